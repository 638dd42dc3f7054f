package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What one step of the engine decided, as a value: the next status (a new object; the inputs are never changed),
 * the events to raise, and at most one thing to do. The {@link Actor} carries it out; the decision table tests
 * read it without a database.
 */
public sealed interface Decision {
    /** The status after this decision (conditions, facts, failures), before the action runs. */
    PostgresIndexStatus status();

    /** Events to raise when the decision is carried out. */
    List<Event> events();

    /** A Kubernetes event about the resource. */
    record Event(boolean warning, Reason reason, String message) {
        public static Event normal(Reason reason, String message) {
            return new Event(false, reason, message);
        }

        public static Event warning(Reason reason, String message) {
            return new Event(true, reason, message);
        }
    }

    /** Nothing to do now: look again after {@code requeue} (Reconciling). */
    record Wait(PostgresIndexStatus status, List<Event> events, Duration requeue) implements Decision {
    }

    /** A person must act (Stalled); the operator re-checks after {@code recheck} (null: only on a change). */
    record Stall(PostgresIndexStatus status, List<Event> events, Duration recheck) implements Decision {
    }

    /** The index is what the spec asks for; look again after {@code resync}. */
    record Ready(PostgresIndexStatus status, List<Event> events, Duration resync) implements Decision {
    }

    /** Start a long job (CREATE INDEX / REINDEX / DROP INDEX CONCURRENTLY) on its own session. */
    record StartJob(PostgresIndexStatus status, List<Event> events, JobPlan job) implements Decision {
    }

    /**
     * Quick DDL under a short lock_timeout, in one transaction; on success the engine raises {@code onSuccess} and
     * observes again at once, on failure the decision is {@code onFailure} of the classified failure.
     */
    record ShortLockDdl(PostgresIndexStatus status, List<Event> events, List<String> statements,
            List<Event> onSuccess, Function<SqlErrors.Failure, Decision> onFailure) implements Decision {
    }

    /** COMMENT ON INDEX (our mark, or null to release it), then observe again. */
    record Mark(PostgresIndexStatus status, List<Event> events, String schema, String index, String comment)
            implements Decision {
    }

    /** Deletion: cancel our builder backend and look again. */
    record Cancel(PostgresIndexStatus status, List<Event> events, int pid, Duration requeue) implements Decision {
    }

    /**
     * spec.blockingSessions: cancel or terminate these sessions that block our build, each raising its event once
     * done; then look again after {@code requeue}.
     */
    record EndSessions(PostgresIndexStatus status, List<Event> events, List<SessionToEnd> targets, Duration requeue)
            implements Decision {
        /** One session to end, and the event that says so once it is done. */
        public record SessionToEnd(int pid, boolean terminate, Event done) {
        }
    }

    /** Deletion: the finalizer may go. */
    record Release(PostgresIndexStatus status, List<Event> events) implements Decision {
    }
}
