package dev.pgindex.operator.decide;

import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;

import java.util.List;
import java.util.Optional;

/**
 * A read after Ready (amcheck, pgstatindex): no WAL, no lock that blocks writes. The index stays Ready, the gates do
 * not hold it (its step checks the maintenance windows itself), and it keeps its record in status.health.
 */
public sealed interface ReadingJob extends JobKind permits VerifyJob, MeasureJob {
    @Override
    default boolean gated() {
        return false;
    }

    @Override
    default boolean keepsReady() {
        return true;
    }

    /** Nothing to report while it runs: Ready stays as it is, looked at again at the poll interval. */
    @Override
    default Decision inFlight(DecisionContext ctx, IndexBuilder.Job<JobKind> job, Optional<Observation.Watch> watch) {
        return new Decision.Wait(ctx.draft().status(), List.of(), ctx.settings().buildPollInterval());
    }
}
