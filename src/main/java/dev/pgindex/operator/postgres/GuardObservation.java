package dev.pgindex.operator.postgres;

/**
 * What the guards need to know before a job starts, read only then (never on a steady-state poll): whether the
 * connection is one stable PostgreSQL session, and the size of the table the job works on (for the build time
 * prediction, read only when a maintenance window applies).
 *
 * @param read          whether it was read at all (the engine reads it before any job start)
 * @param sessionStable false when the backend changed between two transactions on one connection: a pooler in
 *                      transaction or statement mode
 * @param pooler        what showed it, for the message (null when stable)
 * @param tableBytes    the table's heap size in bytes (pg_relation_size), or -1 when not read
 */
public record GuardObservation(boolean read, boolean sessionStable, String pooler, long tableBytes) {
    public static final GuardObservation NOT_READ = new GuardObservation(false, true, null, -1);

    /** What the engine asks for: the table (for its size) or 0 for none. */
    public record Needs(long tableOid, boolean tableSize) {
    }
}
