package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.draft.VerificationDraft;
import dev.pgindex.operator.decide.draft.Verifications;
import dev.pgindex.operator.postgres.Amcheck;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Instant;

/**
 * amcheck's bt_index_check (heapallindexed) of the index: its intent and outcome in status.health.verification,
 * written before its statement is sent, like a build's.
 */
public record VerifyJob() implements ReadingJob {
    @Override
    public String label() {
        return "verify";
    }

    @Override
    public Reason reason() {
        return Reason.Verifying;
    }

    @Override
    public void recordIntent(DecisionContext ctx, JobPlan job, int pid, Instant now) {
        ctx.draft().health().verification().running(job.indexOid(), job.sql(), pid, now);
    }

    @Override
    public Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        return Decision.Event.normal(Reason.Verifying, "started amcheck's bt_index_check of "
                + ctx.def().qualifiedName() + " (OID " + job.indexOid() + ", heapallindexed, backend " + pid + ")");
    }

    /** Passed, Failed (XX002 index_corrupted, with a Warning event) or Error. */
    @Override
    public void recordOutcome(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        VerificationDraft v = ctx.draft().health().verification();
        v.ended(r.finishedAt(), Jobs.seconds(job.startedAt(), r.finishedAt()));
        if (r.success()) {
            v.result(Verifications.PASSED, "bt_index_check with heapallindexed found no corruption");
            return;
        }
        SqlErrors.Failure f = r.failure();
        if (Amcheck.INDEX_CORRUPTED.equals(f.sqlState())) {
            v.result(Verifications.FAILED, f.message());
            ctx.event(Decision.Event.warning(Reason.VerificationFailed, "amcheck found index "
                    + ctx.def().qualifiedName() + " corrupt: " + f.message()));
        } else {
            v.result(Verifications.ERROR, "the check did not complete" + (f.sqlState() == null ? "" : " (SQLSTATE " + f.sqlState()
                    + ")") + ": " + f.message() + ("42501".equals(f.sqlState()) ? "; grant EXECUTE on "
                    + "bt_index_check(regclass, boolean) to " + SqlErrors.operatorsRole(job.role()) : "")
                    + "; tried again after the interval");
        }
    }
}
