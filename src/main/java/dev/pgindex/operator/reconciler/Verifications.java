package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.HealthStatus;
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
 * status.health.verification: the intent of an amcheck job (written before its statement is sent, like a
 * build's) and its outcome. A verification is a read: conditions, status.build and the retry budget are untouched.
 */
public final class Verifications {
    public static final String RUNNING = "Running";
    public static final String PASSED = "Passed";
    public static final String FAILED = "Failed";
    public static final String ERROR = "Error";
    public static final String SKIPPED = "Skipped";

    private Verifications() {
    }

    /** The verification record, created when absent. */
    public static VerificationStatus of(PostgresIndexStatus st) {
        if (st.getHealth() == null) {
            st.setHealth(new HealthStatus());
        }
        if (st.getHealth().getVerification() == null) {
            st.getHealth().setVerification(new VerificationStatus());
        }
        return st.getHealth().getVerification();
    }

    static void recordIntent(PostgresIndexStatus st, JobPlan job, int pid, Instant now) {
        VerificationStatus v = new VerificationStatus();
        v.setResult(RUNNING);
        v.setIndexOid(job.indexOid());
        v.setStatement(job.sql());
        v.setBuilderPid(pid);
        v.setStartedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        of(st);
        st.getHealth().setVerification(v);
    }

    /** The job ended: Passed, Failed (XX002 index_corrupted, with a Warning event) or Error. */
    public static void recordOutcome(Context ctx, IndexBuilder.Job job, IndexBuilder.Result r) {
        VerificationStatus v = of(ctx.status());
        v.setBuilderPid(null);
        v.setFinishedAt(r.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        v.setDurationSeconds(Math.round(Duration.between(job.startedAt(), r.finishedAt()).toMillis() / 10.0) / 100.0);
        if (r.success()) {
            v.setResult(PASSED);
            v.setMessage("bt_index_check with heapallindexed found no corruption");
            return;
        }
        SqlErrors.Failure f = r.failure();
        if (Amcheck.INDEX_CORRUPTED.equals(f.sqlState())) {
            v.setResult(FAILED);
            v.setMessage(f.message());
            ctx.event(Decision.Event.warning(Reason.VerificationFailed, "amcheck found index "
                    + ctx.def().qualifiedName() + " corrupt: " + f.message()));
        } else {
            v.setResult(ERROR);
            v.setMessage("the check did not complete" + (f.sqlState() == null ? "" : " (SQLSTATE " + f.sqlState()
                    + ")") + ": " + f.message() + ("42501".equals(f.sqlState()) ? "; grant EXECUTE on "
                    + "bt_index_check(regclass, boolean) to " + SqlErrors.operatorsRole(job.role()) : "")
                    + "; tried again after the interval");
        }
    }
}
