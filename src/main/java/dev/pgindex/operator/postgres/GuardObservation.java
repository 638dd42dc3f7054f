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
 * @param lag           the replication lag on this primary, read only when a limit applies
 */
public record GuardObservation(boolean read, boolean sessionStable, String pooler, long tableBytes, ReplicaLag lag) {
    public static final GuardObservation NOT_READ = new GuardObservation(false, true, null, -1, ReplicaLag.NOT_READ);

    /**
     * What the engine asks for: the table (for its size) or 0 for none, whether to read the lag, and whether to
     * probe for a pooler (not when the same endpoint proved stable moments ago).
     */
    public record Needs(long tableOid, boolean tableSize, boolean replicaLag, boolean probePooler) {
    }

    /**
     * The worst replication lag seen from the primary: the most WAL bytes a standby has not replayed or a slot
     * retains, and the longest replay_lag, each with where; or what grant is missing to see them.
     */
    public record ReplicaLag(boolean read, long maxBytes, String bytesWhere, long maxLagMillis, String lagWhere,
            String missingPrivilege) {
        public static final ReplicaLag NOT_READ = new ReplicaLag(false, 0, null, 0, null, null);
    }
}
