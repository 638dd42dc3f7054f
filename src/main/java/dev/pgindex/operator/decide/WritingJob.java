package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.ProgressInfo;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * DDL that changes the index (CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DROP INDEX CONCURRENTLY): it records
 * its intent in status.build, the resource is Reconciling while it runs, and its outcome is recorded there.
 */
public sealed interface WritingJob extends JobKind permits BuildJob, ReindexJob, DropJob {
    @Override
    default boolean keepsReady() {
        return false;
    }

    /** status.build.operation, which a restarted operator reads back ({@link Ownership.Operation}). */
    Ownership.Operation operation();

    /** Whether it makes an index (progress from 0%; its OID is pinned at the first look after). */
    default boolean builds() {
        return true;
    }

    /** The Reconciling message of its intent. */
    String intentMessage(DecisionContext ctx, JobPlan job, int pid, String attempt);

    /** The statement, as a failure names it ("CREATE INDEX CONCURRENTLY "). */
    String failed();

    /** "building ", "rebuilding ", ...: how the running job is described. */
    String running();

    /** Whether the OID of the index being built is read while it runs (a build of a new index). */
    default boolean pinsOidWhileRunning() {
        return false;
    }

    /** Whether its success leaves no crash window to look at (a REINDEX moves the mark with the index). */
    default boolean closesCrashWindowOnSuccess() {
        return false;
    }

    /** What a success changes in status besides status.build (and its event). */
    default void succeeded(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
    }

    @Override
    default void recordIntent(PostgresIndexStatus st, DecisionContext ctx, JobPlan job, int pid, Instant now) {
        RetryGate.beginEpisodeIfReady(st);
        BuildInfo b = new BuildInfo();
        b.setOperation(operation().text);
        b.setTarget(job.qualifiedTarget());
        b.setBuilderPid(pid);
        b.setStatement(job.sql());
        b.setStartedAt(Instant.now().toString());
        // the OID of what a build or REINDEX produces is pinned at the first look after it (Ownership.pin)
        b.setIndexOid(builds() ? null : job.indexOid());
        st.setBuild(b);
        st.setNextAttemptAt(null);
        BuildWatch.clearBlockers(st);
        if (builds()) {
            ProgressInfo progress = new ProgressInfo();
            progress.setPhase("starting");
            progress.setPercent(0);
            progress.setDisplay("0%");
            progress.setUpdatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
            st.setProgress(progress);
        }
        if (builds() && countsAttempt()) {
            st.setAttempts((st.getAttempts() == null ? 0 : st.getAttempts()) + 1);
        }
        String attempt = countsAttempt() ? ", attempt " + st.getAttempts() : "";
        Conditions.reconciling(st, ctx.gen(), Phase.Building, reason(), intentMessage(ctx, job, pid, attempt), now);
    }

    @Override
    default Decision inFlight(DecisionContext ctx, IndexBuilder.Job<JobKind> job, Optional<Observation.Watch> watch) {
        Reason reason = reason();
        var build = ctx.status().getBuild();
        String target = build != null && build.getTarget() != null ? build.getTarget() : ctx.def().qualifiedName();
        String what = running() + target + " concurrently (backend " + job.pid() + ", running for "
                + Durations.human(job.elapsed()) + ")";
        if (watch.isPresent()) {
            if (pinsOidWhileRunning() && build != null && build.getIndexOid() == null) {
                watch.get().buildingIndexOid().ifPresent(build::setIndexOid);
            }
            Reason blocked = BuildWatch.record(ctx, watch.get(), job.role());
            BuildEta.record(ctx, job.startedAt());
            if (blocked != null) {
                reason = blocked;
                what = what + "; waiting for " + ctx.status().getBlockedBy();
            }
        }
        return ctx.waitFor(Phase.Building, reason, what, ctx.settings().buildPollInterval());
    }

    @Override
    default void recordOutcome(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        PostgresIndexStatus st = ctx.status();
        if (r.success()) {
            succeeded(ctx, job, r);
        }
        BuildWatch.clearBlockers(st);
        BuildInfo b = st.getBuild();
        if (b != null && Integer.valueOf(job.pid()).equals(b.getBuilderPid())) {
            b.setFinishedAt(r.finishedAt().toString());
            // the name was taken by someone else (nothing of ours exists), or a REINDEX finished (the mark moved
            // to the rebuilt index with it): no crash window is left to look at
            boolean nameTaken = !r.success() && "42P07".equals(r.failure().sqlState());
            b.setCatalogChecked(nameTaken || (r.success() && closesCrashWindowOnSuccess()));
            b.setDurationSeconds(Math.round(Duration.between(job.startedAt(), r.finishedAt()).toMillis() / 10.0) / 100.0);
        }
        if (!r.success()) {
            SqlErrors.Failure f = r.failure();
            DecisionContext.recordFailure(st, Reasons.of(f.kind()), f.sqlState(), f.message(), f.isTransient(),
                    r.finishedAt());
            ctx.event(Decision.Event.warning(Reasons.of(f.kind()), failed() + ctx.def().qualifiedName() + " failed"
                    + (f.sqlState() == null ? "" : " (SQLSTATE " + f.sqlState() + ")") + ": " + f.message()
                    + (f.isTransient() ? "; it will be cleaned up and retried" : "")));
        }
    }
}
