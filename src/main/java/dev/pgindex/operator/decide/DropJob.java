package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;

/** DROP INDEX CONCURRENTLY of an index of ours: an INVALID leftover, or (deleting) the index itself. */
public record DropJob(Purpose purpose) implements WritingJob {
    /** Why the index goes. */
    public enum Purpose {
        /** an INVALID leftover of ours (a failed build, a REINDEX's _ccnew), before the build or REINDEX again */
        LEFTOVER,
        /** the finalizer, reclaimPolicy Delete */
        DELETE,
        /** the finalizer, an INVALID index this resource's unfinished build left */
        DELETE_INVALID
    }

    @Override
    public String label() {
        return "drop";
    }

    @Override
    public Reason reason() {
        return Reason.CleaningUp;
    }

    /** Cleanup is cheap, and it frees the name for the build that the gates then hold back. */
    @Override
    public boolean gated() {
        return false;
    }

    @Override
    public boolean forDeletion() {
        return purpose != Purpose.LEFTOVER;
    }

    @Override
    public boolean cancelledByDeletion() {
        return false;
    }

    @Override
    public boolean usesBuildSettings() {
        return false;
    }

    @Override
    public boolean repairsInvalid() {
        return purpose != Purpose.DELETE;
    }

    @Override
    public boolean builds() {
        return false;
    }

    @Override
    public Ownership.Operation operation() {
        return Ownership.Operation.DROP;
    }

    @Override
    public String intentMessage(DecisionContext ctx, JobPlan job, int pid, String attempt) {
        return "dropping the invalid leftover " + job.qualifiedTarget() + " concurrently (backend " + pid + ")";
    }

    @Override
    public Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        return switch (purpose) {
            case LEFTOVER -> Decision.Event.normal(Reason.CleaningUp, "dropping invalid leftover "
                    + job.qualifiedTarget());
            case DELETE_INVALID -> Decision.Event.normal(Reason.IndexDropped, "dropping the INVALID index "
                    + ctx.def().qualifiedName() + " that this resource's unfinished build left, with DROP INDEX "
                    + "CONCURRENTLY");
            case DELETE -> Decision.Event.normal(Reason.IndexDropped, "dropping index " + ctx.def().qualifiedName()
                    + " with DROP INDEX CONCURRENTLY (reclaimPolicy Delete)");
        };
    }

    @Override
    public String running() {
        return "dropping the invalid leftover ";
    }

    @Override
    public String failed() {
        return "DROP INDEX CONCURRENTLY (leftover of) ";
    }
}
