package dev.pgindex.operator.status;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * When a status is written: never when nothing changed; at once when anything but progress changed (conditions,
 * facts, failures) or when the write is forced (intent before a DDL); a progress-only change at most once per
 * progressWriteInterval, so a long build does not hammer the API server.
 */
public final class StatusWrites {
    public enum Verdict { UNCHANGED, WRITE, HOLD_BACK }

    private StatusWrites() {
    }

    public static Verdict decide(PostgresIndexStatus last, PostgresIndexStatus next, Instant previousWrite,
            Instant now, Duration progressWriteInterval, boolean force) {
        if (StatusCopies.same(last, next)) {
            return Verdict.UNCHANGED;
        }
        if (!force && previousWrite != null && StatusCopies.onlyProgressDiffers(last, next)
                && Duration.between(previousWrite, now).compareTo(progressWriteInterval) < 0) {
            return Verdict.HOLD_BACK;
        }
        return Verdict.WRITE;
    }
}
