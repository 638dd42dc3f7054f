package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.postgres.IndexBuilder;

/**
 * A job of this process ended: its kind records the outcome in status (finish time, duration, the failure) and
 * events, but it is not trusted; the decision that follows reads the catalog.
 */
public final class JobOutcomeStep {
    private JobOutcomeStep() {
    }

    /** Records the outcome into {@code ctx}'s status and events. */
    public static void record(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        job.kind().recordOutcome(ctx, job, r);
    }
}
