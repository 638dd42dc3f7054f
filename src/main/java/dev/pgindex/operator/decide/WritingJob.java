package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Instant;
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
    default void recordIntent(DecisionContext ctx, JobPlan job, int pid, Instant now) {
        StatusDraft draft = ctx.draft();
        RetryGate.beginEpisodeIfReady(draft);
        // the OID of what a build or REINDEX produces is pinned at the first look after it (Ownership.pin)
        draft.intent().begin(operation().text, job.qualifiedTarget(), pid, job.sql(), builds() ? null : job.indexOid());
        draft.failure().nextAttemptAt(null);
        draft.progress().clearBlockers();
        if (builds()) {
            draft.progress().starting(now);
        }
        if (builds() && countsAttempt()) {
            draft.intent().countAttempt();
        }
        String attempt = countsAttempt() ? ", attempt " + draft.status().getAttempts() : "";
        draft.conditions().reconciling(ctx.gen(), Phase.Building, reason(), intentMessage(ctx, job, pid, attempt), now);
    }

    @Override
    default Decision inFlight(DecisionContext ctx, IndexBuilder.Job<JobKind> job, Optional<Observation.Watch> watch) {
        Reason reason = reason();
        var build = ctx.draft().status().getBuild();
        String target = build != null && build.getTarget() != null ? build.getTarget() : ctx.def().qualifiedName();
        String what = running() + target + " concurrently (backend " + job.pid() + ", running for "
                + Durations.human(job.elapsed()) + ")";
        if (watch.isPresent()) {
            if (pinsOidWhileRunning() && build != null && build.getIndexOid() == null) {
                watch.get().buildingIndexOid().ifPresent(oid -> ctx.draft().intent().pinIndexOid(oid));
            }
            Reason blocked = BuildWatch.record(ctx, watch.get(), job.role());
            BuildEta.record(ctx, job.startedAt());
            if (blocked != null) {
                reason = blocked;
                what = what + "; waiting for " + ctx.draft().status().getBlockedBy();
            }
        }
        return ctx.waitFor(Phase.Building, reason, what, ctx.settings().buildPollInterval());
    }

    @Override
    default void recordOutcome(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        StatusDraft draft = ctx.draft();
        if (r.success()) {
            succeeded(ctx, job, r);
        }
        draft.progress().clearBlockers();
        // the name was taken by someone else (nothing of ours exists), or a REINDEX finished (the mark moved
        // to the rebuilt index with it): no crash window is left to look at
        boolean nameTaken = !r.success() && "42P07".equals(r.failure().sqlState());
        draft.intent().finished(job.pid(), r.finishedAt(), nameTaken || (r.success() && closesCrashWindowOnSuccess()),
                Jobs.seconds(job.startedAt(), r.finishedAt()));
        if (!r.success()) {
            SqlErrors.Failure f = r.failure();
            draft.failure().record(Reasons.of(f.kind()), f.sqlState(), f.message(), f.isTransient(), r.finishedAt());
            ctx.event(Decision.Event.warning(Reasons.of(f.kind()), failed() + ctx.def().qualifiedName() + " failed"
                    + (f.sqlState() == null ? "" : " (SQLSTATE " + f.sqlState() + ")") + ": " + f.message()
                    + (f.isTransient() ? "; it will be cleaned up and retried" : "")));
        }
    }
}
