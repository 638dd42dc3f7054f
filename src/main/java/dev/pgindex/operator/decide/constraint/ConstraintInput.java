package dev.pgindex.operator.decide.constraint;

import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.spec.ParsedConstraint;

import java.time.Instant;

/**
 * Everything a PostgresConstraint decision reads besides the catalog: the resource, its parsed spec (or why it
 * could not be parsed), the connection problem if any, the last status, the clock, the settings and, when
 * spec.foreignKey.index names a PostgresIndex, whether that one is Ready (null: none named); the connection is
 * null when the Secret could not be used (connectionProblem says why).
 */
public record ConstraintInput(String uid, String resource, long generation, PostgresConstraintSpec spec,
        ParsedConstraint parsed, String invalidSpec, Reason connectionProblem, String connectionMessage,
        PostgresConstraintStatus last, Instant now, Settings settings, Boolean namedIndexReady,
        ConnectionInfo connection) {

    /** A job of this resource in this process: running, or finished and not yet recorded. */
    public sealed interface Job {
        ConstraintDecision.ConstraintJob.Kind kind();
    }

    public record Running(ConstraintDecision.ConstraintJob.Kind kind, int pid, Instant startedAt, String blockers)
            implements Job {
    }

    /** {@code output}: the statement's one value (the preflight's count), null otherwise. */
    public record Finished(ConstraintDecision.ConstraintJob.Kind kind, SqlErrors.Failure failure, String output,
            Instant finishedAt) implements Job {
        public boolean success() {
            return failure == null;
        }
    }
}
