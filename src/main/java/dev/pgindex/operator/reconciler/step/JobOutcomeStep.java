package dev.pgindex.operator.reconciler.step;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.reconciler.BloatRecords;
import dev.pgindex.operator.reconciler.BuildWatch;
import dev.pgindex.operator.reconciler.Context;
import dev.pgindex.operator.reconciler.Decision;
import dev.pgindex.operator.reconciler.Durations;
import dev.pgindex.operator.reconciler.Reasons;
import dev.pgindex.operator.reconciler.Verifications;

import java.time.Duration;

/**
 * A job of this process ended: its outcome goes into status (finish time, duration, the failure) and events,
 * but is not trusted; the decision that follows reads the catalog.
 */
public final class JobOutcomeStep {
    private JobOutcomeStep() {
    }

    /** Records the outcome into {@code ctx}'s status and events. */
    public static void record(Context ctx, IndexBuilder.Job job, IndexBuilder.Result r) {
        PostgresIndexStatus st = ctx.status();
        if (job.kind() == IndexBuilder.Kind.VERIFY) {
            Verifications.recordOutcome(ctx, job, r);
            return;
        }
        if (job.kind() == IndexBuilder.Kind.MEASURE) {
            BloatRecords.recordOutcome(ctx, job, r);
            return;
        }
        if (r.success() && job.kind() == IndexBuilder.Kind.BUILD) {
            st.setLastError(null);
        }
        if (r.success() && job.kind() == IndexBuilder.Kind.REINDEX) {
            st.setRebuiltToken(ctx.spec().getRebuild());
            st.setLastError(null);
            ctx.event(Decision.Event.normal(Reason.Rebuilding, "REINDEX INDEX CONCURRENTLY " + ctx.def().qualifiedName()
                    + " finished in " + Durations.human(Duration.between(job.startedAt(), r.finishedAt()))));
        }
        BuildWatch.clearBlockers(st);
        BuildInfo b = st.getBuild();
        if (b != null && Integer.valueOf(job.pid()).equals(b.getBuilderPid())) {
            b.setFinishedAt(r.finishedAt().toString());
            // the name was taken by someone else (nothing of ours exists), or a REINDEX finished (the mark moved
            // to the rebuilt index with it): no crash window is left to look at
            boolean nameTaken = !r.success() && "42P07".equals(r.failure().sqlState());
            b.setCatalogChecked(nameTaken || (r.success() && job.kind() == IndexBuilder.Kind.REINDEX));
            b.setDurationSeconds(Math.round(Duration.between(job.startedAt(), r.finishedAt()).toMillis() / 10.0) / 100.0);
        }
        if (!r.success()) {
            SqlErrors.Failure f = r.failure();
            Context.recordFailure(st, f.kind().name(), f.sqlState(), f.message(), f.isTransient(), r.finishedAt());
            String what = switch (job.kind()) {
                case BUILD -> "CREATE INDEX CONCURRENTLY ";
                case REINDEX -> "REINDEX INDEX CONCURRENTLY ";
                case DROP -> "DROP INDEX CONCURRENTLY (leftover of) ";
                case VERIFY, MEASURE -> throw new IllegalStateException("a read is recorded above");
            };
            ctx.event(Decision.Event.warning(Reasons.of(f.kind()), what + ctx.def().qualifiedName() + " failed"
                    + (f.sqlState() == null ? "" : " (SQLSTATE " + f.sqlState() + ")") + ": " + f.message()
                    + (f.isTransient() ? "; it will be cleaned up and retried" : "")));
        }
    }
}
