package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.VerificationStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** status.health.verification: amcheck's intent, its outcome, or why it was skipped or waits. */
public final class VerificationDraft {
    private final HealthDraft health;
    private final PostgresIndexStatus st;

    VerificationDraft(HealthDraft health, PostgresIndexStatus st) {
        this.health = health;
        this.st = st;
    }

    private VerificationStatus record() {
        return health.block(HealthStatus::getVerification, HealthStatus::setVerification, VerificationStatus::new);
    }

    /** A new record: the check of {@code indexOid} by {@code statement} on backend {@code pid} started. */
    public void running(long indexOid, String statement, int pid, Instant now) {
        VerificationStatus v = new VerificationStatus();
        v.setResult(Verifications.RUNNING);
        v.setIndexOid(indexOid);
        v.setStatement(statement);
        v.setBuilderPid(pid);
        v.setStartedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        health.created().setVerification(v);
    }

    /** A new record: the check of {@code indexOid} cannot run, and why. */
    public void skipped(long indexOid, Instant now, String message) {
        VerificationStatus v = new VerificationStatus();
        v.setResult(Verifications.SKIPPED);
        v.setIndexOid(indexOid);
        v.setFinishedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        v.setMessage(message);
        health.created().setVerification(v);
    }

    /** The check ended ({@link #result} says how). */
    public void ended(Instant finishedAt, double durationSeconds) {
        VerificationStatus v = record();
        v.setBuilderPid(null);
        v.setFinishedAt(finishedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        v.setDurationSeconds(durationSeconds);
    }

    public void result(String result, String message) {
        VerificationStatus v = record();
        v.setResult(result);
        v.setMessage(message);
    }

    /** The check waits (outside the maintenance windows), or (null) no longer does. */
    public void waiting(String why) {
        if (why != null) {
            record().setWaiting(why);
        } else if (st.getHealth() != null && st.getHealth().getVerification() != null) {
            st.getHealth().getVerification().setWaiting(null);
        }
    }
}
