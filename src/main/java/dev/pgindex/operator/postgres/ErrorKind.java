package dev.pgindex.operator.postgres;

/**
 * What a failure means for the next step. The names double as condition reasons (the reconciler maps them 1:1).
 */
public enum ErrorKind {
    // permanent: nothing changes until the data, the schema, the privileges or the spec change
    UniqueViolation(false),
    /** Rows violate a foreign key, CHECK or NOT NULL being added or validated (23503, 23514, 23502). */
    ConstraintViolation(false),
    TableNotFound(false),
    ColumnNotFound(false),
    InvalidDefinition(false),
    InsufficientPrivilege(false),
    AuthenticationFailed(false),
    DatabaseNotFound(false),
    NameConflict(false),
    UnsupportedFeature(false),
    /** An error only a transaction pooler causes: the driver's prepared statements met another client's. */
    PoolerNotSupported(false),
    // transient: clean up, back off, retry (up to spec.retryLimit for builds)
    Deadlock(true),
    LockTimeout(true),
    Cancelled(true),
    BuildDeadlineExceeded(true),
    ServerShutdown(true),
    ConnectionLost(true),
    ResourceExhausted(true),
    BuildFailed(true);

    private final boolean transientError;

    ErrorKind(boolean transientError) {
        this.transientError = transientError;
    }

    public boolean isTransient() {
        return transientError;
    }
}
