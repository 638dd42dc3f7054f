package dev.pgindex.operator.postgres;

/**
 * A failed database operation, already classified (transient or permanent, with its kind and SQLSTATE). The
 * reconciler sees only this, never java.sql.
 */
public final class DatabaseException extends Exception {
    private final transient SqlErrors.Failure failure;

    public DatabaseException(SqlErrors.Failure failure, Throwable cause) {
        super(failure.message(), cause);
        this.failure = failure;
    }

    static DatabaseException of(java.sql.SQLException e) {
        return new DatabaseException(SqlErrors.classify(e), e);
    }

    public SqlErrors.Failure failure() {
        return failure;
    }
}
