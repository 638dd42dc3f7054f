package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** status.lastError, status.nextAttemptAt and the retry budget (status.attempts) they are counted against. */
public final class FailureDraft {
    private final PostgresIndexStatus st;

    FailureDraft(PostgresIndexStatus st) {
        this.st = st;
    }

    /** Records a failure in status.lastError (occurrences count consecutive failures of the same reason). */
    public void record(Reason reason, String sqlState, String message, boolean transientError, Instant when) {
        st.setLastError(ErrorInfos.next(st.getLastError(), reason, sqlState, message, transientError, when));
        st.setNextAttemptAt(null);
    }

    /** The work succeeded: the last failure no longer stands. */
    public void clear() {
        st.setLastError(null);
    }

    /** When the operator tries again (null: no attempt is scheduled). */
    public void nextAttemptAt(Instant next) {
        st.setNextAttemptAt(next == null ? null : next.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** A new episode (or a new spec): attempts, the last failure and the next attempt are forgotten. */
    public void resetBudget() {
        st.setAttempts(null);
        st.setLastError(null);
        st.setNextAttemptAt(null);
    }
}
