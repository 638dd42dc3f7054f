package dev.pgindex.operator.api.v1alpha1;

/** What happens to the PostgreSQL index when its PostgresIndex is deleted. */
public enum ReclaimPolicy {
    /** The index stays in the database; the operator only releases its ownership mark. */
    Retain,
    /** The index is dropped with DROP INDEX CONCURRENTLY, if (and only if) this resource built it. */
    Delete
}
