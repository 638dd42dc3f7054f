package dev.pgindex.operator.decide.constraint;

import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one reconcile of a PostgresConstraint does: at most one action, with the status to write and the events to
 * raise. Pure values; the engine carries them out.
 */
public sealed interface ConstraintDecision {
    PostgresConstraintStatus status();

    List<Event> events();

    /** A Normal or Warning event. */
    record Event(boolean warning, Reason reason, String message) {
        static Event normal(Reason reason, String message) {
            return new Event(false, reason, message);
        }

        static Event warning(Reason reason, String message) {
            return new Event(true, reason, message);
        }
    }

    /** Nothing to do now; look again after {@code requeue} (null: only on a change). */
    record Wait(PostgresConstraintStatus status, List<Event> events, Duration requeue) implements ConstraintDecision {
    }

    /** A long statement on a session of its own, holding the table's build lock and a database slot. */
    record RunJob(PostgresConstraintStatus status, List<Event> events, ConstraintJob job)
            implements ConstraintDecision {
    }

    /**
     * Quick DDL in one transaction under a short lock_timeout, holding the operator's locks of {@code tables};
     * on success the engine observes again; on failure {@code onFailure} decides (with the sessions in the way).
     */
    record ShortLock(PostgresConstraintStatus status, List<Event> events, List<Long> tables, List<String> statements,
            List<Event> onSuccess, Function<Failed, ConstraintDecision> onFailure) implements ConstraintDecision {
    }

    /** One quick statement on the monitor session (an ownership COMMENT); then observe again. */
    record Execute(PostgresConstraintStatus status, List<Event> events, String sql, List<Event> onSuccess)
            implements ConstraintDecision {
    }

    /** Cancel this resource's own running statement (deletion), then look again. */
    record Cancel(PostgresConstraintStatus status, List<Event> events, int pid) implements ConstraintDecision {
    }

    /** Deletion is finished: the finalizer may go. */
    record Released(PostgresConstraintStatus status, List<Event> events) implements ConstraintDecision {
    }

    /** Why a short-lock step did not run: a failure, or the operator's table lock was busy (failure null). */
    record Failed(SqlErrors.Failure failure, List<String> holders) {
    }

    /**
     * @param kind            what it is
     * @param tableOid        the table (its build lock)
     * @param sql             the statement
     * @param sessionSettings set on the session before the statement (the preflight's read-only transaction)
     */
    record ConstraintJob(Kind kind, long tableOid, String sql, Map<String, String> sessionSettings) {
        public enum Kind {
            PREFLIGHT("preflight"),
            VALIDATE("validate");

            private final String label;

            Kind(String label) {
                this.label = label;
            }

            public String label() {
                return label;
            }
        }
    }
}
