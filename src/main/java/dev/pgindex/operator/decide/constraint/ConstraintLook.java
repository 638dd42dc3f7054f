package dev.pgindex.operator.decide.constraint;

import dev.pgindex.operator.postgres.ConstraintObservation;
import dev.pgindex.operator.postgres.SqlErrors;

import java.util.Optional;

/** One look at a PostgresConstraint: the protocol ({@link ConstraintPlan}) or the finalizer ({@link ConstraintDeletion}). */
public interface ConstraintLook {
    /** Decided before any session is opened (a spec that cannot be parsed, a Secret that cannot be used). */
    Optional<ConstraintDecision> beforeConnecting();

    /** The database could not be reached or refused the catalog read. */
    ConstraintDecision unreachable(SqlErrors.Failure f);

    /** The job of this process (if any) and the catalog decide. */
    ConstraintDecision decide(Optional<ConstraintInput.Job> job, ConstraintObservation o);
}
