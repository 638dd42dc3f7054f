package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.VerificationStatus;
import dev.pgindex.operator.postgres.Amcheck;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

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
    public void recordIntent(PostgresIndexStatus st, DecisionContext ctx, JobPlan job, int pid, Instant now) {
        VerificationStatus v = new VerificationStatus();
        v.setResult(Verifications.RUNNING);
        v.setIndexOid(job.indexOid());
        v.setStatement(job.sql());
        v.setBuilderPid(pid);
        v.setStartedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        Verifications.of(st);
        st.getHealth().setVerification(v);
    }

    @Override
    public Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        return Decision.Event.normal(Reason.Verifying, "started amcheck's bt_index_check of "
                + ctx.def().qualifiedName() + " (OID " + job.indexOid() + ", heapallindexed, backend " + pid + ")");
    }

    /** Passed, Failed (XX002 index_corrupted, with a Warning event) or Error. */
    @Override
    public void recordOutcome(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        VerificationStatus v = Verifications.of(ctx.status());
        v.setBuilderPid(null);
        v.setFinishedAt(r.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        v.setDurationSeconds(Math.round(Duration.between(job.startedAt(), r.finishedAt()).toMillis() / 10.0) / 100.0);
        if (r.success()) {
            v.setResult(Verifications.PASSED);
            v.setMessage("bt_index_check with heapallindexed found no corruption");
            return;
        }
        SqlErrors.Failure f = r.failure();
        if (Amcheck.INDEX_CORRUPTED.equals(f.sqlState())) {
            v.setResult(Verifications.FAILED);
            v.setMessage(f.message());
            ctx.event(Decision.Event.warning(Reason.VerificationFailed, "amcheck found index "
                    + ctx.def().qualifiedName() + " corrupt: " + f.message()));
        } else {
            v.setResult(Verifications.ERROR);
            v.setMessage("the check did not complete" + (f.sqlState() == null ? "" : " (SQLSTATE " + f.sqlState()
                    + ")") + ": " + f.message() + ("42501".equals(f.sqlState()) ? "; grant EXECUTE on "
                    + "bt_index_check(regclass, boolean) to " + SqlErrors.operatorsRole(job.role()) : "")
                    + "; tried again after the interval");
        }
    }
}
