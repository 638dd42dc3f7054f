package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

import java.time.Instant;

/**
 * status.build and status.attempts: the intent of a job that changes the index, written before its statement is
 * sent (a restarted operator reads it back), and what became of it.
 */
public final class IntentDraft {
    private final PostgresIndexStatus st;

    IntentDraft(PostgresIndexStatus st) {
        this.st = st;
    }

    /** A new status.build for the job about to start ({@code indexOid}: null until the first look after it). */
    public void begin(String operation, String target, int builderPid, String statement, Long indexOid) {
        BuildInfo b = new BuildInfo();
        b.setOperation(operation);
        b.setTarget(target);
        b.setBuilderPid(builderPid);
        b.setStatement(statement);
        b.setStartedAt(Instant.now().toString());
        b.setIndexOid(indexOid);
        st.setBuild(b);
    }

    /** One more attempt against spec.retryLimit; returns the count. */
    public int countAttempt() {
        st.setAttempts((st.getAttempts() == null ? 0 : st.getAttempts()) + 1);
        return st.getAttempts();
    }

    /** The job of builder {@code pid} ended; nothing is recorded when status.build is another job's. */
    public void finished(int pid, Instant finishedAt, boolean catalogChecked, double durationSeconds) {
        BuildInfo b = st.getBuild();
        if (b != null && Integer.valueOf(pid).equals(b.getBuilderPid())) {
            b.setFinishedAt(finishedAt.toString());
            b.setCatalogChecked(catalogChecked);
            b.setDurationSeconds(durationSeconds);
        }
    }

    /** The OID of the index the recorded job produced: from now on only that OID is ours. */
    public void pinIndexOid(long oid) {
        if (st.getBuild() != null) {
            st.getBuild().setIndexOid(oid);
        }
    }

    /** A look at the catalog after the recorded job ended: its crash window is closed. */
    public void catalogChecked() {
        if (st.getBuild() != null) {
            st.getBuild().setCatalogChecked(true);
        }
    }

    /** The BuildBlocked Warning of the recorded job was sent (once per job). */
    public void blockedWarningSent() {
        if (st.getBuild() != null) {
            st.getBuild().setBlockedWarningSent(true);
        }
    }
}
