package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;

/**
 * CREATE INDEX CONCURRENTLY of the index or of one partition's index, marked ours when it succeeds.
 *
 * @param countsAttempt the first build of an episode and each retry after a transient failure count against
 *                      retryLimit; a re-check after a permanent failure (duplicates, a missing column) does not
 */
public record BuildJob(boolean countsAttempt) implements WritingJob {
    @Override
    public String label() {
        return "build";
    }

    @Override
    public Reason reason() {
        return Reason.Building;
    }

    @Override
    public boolean gated() {
        return true;
    }

    @Override
    public boolean measuresRate() {
        return true;
    }

    @Override
    public boolean pinsOidWhileRunning() {
        return true;
    }

    @Override
    public Ownership.Operation operation() {
        return Ownership.Operation.BUILD;
    }

    @Override
    public String intentMessage(DecisionContext ctx, JobPlan job, int pid, String attempt) {
        return "building " + job.jobDef().qualifiedName() + " concurrently (backend " + pid + attempt + ")";
    }

    @Override
    public Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        return Decision.Event.normal(Reason.Building, "started CREATE INDEX CONCURRENTLY "
                + job.jobDef().qualifiedName() + " (backend " + pid + (countsAttempt ? ", attempt " + st.getAttempts()
                : "") + ")");
    }

    @Override
    public String running() {
        return "building ";
    }

    @Override
    public String failed() {
        return "CREATE INDEX CONCURRENTLY ";
    }

    @Override
    public void succeeded(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        ctx.draft().failure().clear();
    }
}
