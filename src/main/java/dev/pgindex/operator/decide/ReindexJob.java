package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;

import java.time.Duration;

/**
 * REINDEX INDEX CONCURRENTLY of the index (spec.rebuild, a collation drift, bloat, corruption); the index stays
 * usable meanwhile and keeps its mark.
 *
 * @param countsAttempt as for a build
 * @param why           for what it runs, in its messages ("for rebuild token 'x'", "for a collation drift")
 */
public record ReindexJob(boolean countsAttempt, String why) implements WritingJob {
    @Override
    public String label() {
        return "reindex";
    }

    @Override
    public Reason reason() {
        return Reason.Rebuilding;
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
    public boolean closesCrashWindowOnSuccess() {
        return true;
    }

    @Override
    public Ownership.Operation operation() {
        return Ownership.Operation.REINDEX;
    }

    @Override
    public String intentMessage(DecisionContext ctx, JobPlan job, int pid, String attempt) {
        return "rebuilding " + ctx.def().qualifiedName() + " with REINDEX INDEX CONCURRENTLY " + why + " (backend "
                + pid + attempt + "); the index stays usable meanwhile";
    }

    @Override
    public Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        return Decision.Event.normal(Reason.Rebuilding, "started REINDEX INDEX CONCURRENTLY "
                + ctx.def().qualifiedName() + " " + why);
    }

    @Override
    public String running() {
        return "rebuilding ";
    }

    @Override
    public String failed() {
        return "REINDEX INDEX CONCURRENTLY ";
    }

    @Override
    public void succeeded(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        ctx.draft().facts().rebuilt(ctx.spec().getRebuild());
        ctx.draft().failure().clear();
        ctx.event(Decision.Event.normal(Reason.Rebuilding, "REINDEX INDEX CONCURRENTLY " + ctx.def().qualifiedName()
                + " finished in " + Durations.human(Duration.between(job.startedAt(), r.finishedAt()))));
    }
}
