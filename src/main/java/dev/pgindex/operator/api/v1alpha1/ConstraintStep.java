package dev.pgindex.operator.api.v1alpha1;

/** Where a PostgresConstraint is in the online protocol (status.step), in order. */
public enum ConstraintStep {
    /** Counting the rows that would violate the constraint, on a session of its own, read-only. */
    Preflight,
    /** ADD CONSTRAINT ... NOT VALID under a short lock_timeout, retried with backoff. */
    AddNotValid,
    /** VALIDATE CONSTRAINT in its own transaction: reads and writes go on. */
    Validate,
    /** Before PostgreSQL 18, a NOT NULL: SET NOT NULL, which uses the validated CHECK and skips the scan. */
    SetNotNull,
    /** Before PostgreSQL 18, a NOT NULL: the helper CHECK (col IS NOT NULL) is dropped once the column is NOT NULL. */
    DropHelper,
    /** The constraint is valid. */
    Done,
    /** The finalizer: Retain releases the mark, Delete drops the constraint. */
    Deleting
}
