package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.ErrorInfo;
import dev.pgindex.operator.api.v1alpha1.Reason;

import java.time.Instant;

/** status.lastError of every kind: the next one after {@code prev}, counting consecutive failures of one reason. */
final class ErrorInfos {
    private ErrorInfos() {
    }

    static ErrorInfo next(ErrorInfo prev, Reason reason, String sqlState, String message, boolean transientError,
            Instant when) {
        ErrorInfo e = new ErrorInfo();
        e.setReason(reason);
        e.setSqlState(sqlState);
        e.setMessage(message);
        e.setTransientError(transientError);
        e.setTime(when.toString());
        e.setOccurrences(prev != null && reason.equals(prev.getReason()) && prev.getOccurrences() != null
                ? prev.getOccurrences() + 1 : 1);
        return e;
    }
}
