package dev.pgindex.operator.reconciler.step;

import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.reconciler.Context;
import dev.pgindex.operator.reconciler.Decision;
import dev.pgindex.operator.reconciler.job.JobKind;

import java.util.Optional;

/**
 * A job of this process is still running: its kind reports what it does (progress, blockers, how long) and the
 * engine looks again at the build poll interval. {@code watch} is empty when the database could not be asked.
 */
public final class InFlightJobStep {
    private InFlightJobStep() {
    }

    public static Decision decide(Context ctx, IndexBuilder.Job<JobKind> job, Optional<Observation.Watch> watch) {
        return job.kind().inFlight(ctx, job, watch);
    }
}
