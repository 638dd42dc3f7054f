package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;

import java.util.Optional;

/**
 * A job of this process is still running: its kind reports what it does (progress, blockers, how long) and the
 * engine looks again at the build poll interval. {@code watch} is empty when the database could not be asked.
 */
public final class InFlightJobStep {
    private InFlightJobStep() {
    }

    public static Decision decide(DecisionContext ctx, IndexBuilder.Job<JobKind> job,
            Optional<Observation.Watch> watch) {
        return job.kind().inFlight(ctx, job, watch);
    }
}
