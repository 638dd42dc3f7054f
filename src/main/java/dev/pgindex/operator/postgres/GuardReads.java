package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The reads of {@link GuardObservation}, each with bind parameters. */
final class GuardReads {
    /** How long the second transaction of the pooler probe may wait for a backend before the probe calls it pooled. */
    static final int PROBE_WAIT_SECONDS = 5;

    private GuardReads() {
    }

    static GuardObservation read(Databases databases, ConnectionInfo info, Connection monitor,
            GuardObservation.Needs needs) throws SQLException {
        String pooler = needs.probePooler() ? poolerEvidence(databases, info, monitor) : null;
        long bytes = -1;
        if (needs.tableSize() && needs.tableOid() != 0) {
            try (PreparedStatement ps = monitor.prepareStatement(
                    "SELECT coalesce(pg_catalog.pg_relation_size(?::oid), -1)")) {
                ps.setLong(1, needs.tableOid());
                try (ResultSet rs = ps.executeQuery()) {
                    bytes = rs.next() ? rs.getLong(1) : -1;
                }
            }
        }
        return new GuardObservation(true, pooler == null, pooler, bytes,
                needs.replicaLag() ? replicaLag(monitor) : GuardObservation.ReplicaLag.NOT_READ);
    }

    /**
     * The lag of every standby (pg_stat_replication: WAL not replayed yet, replay_lag) and the WAL every slot
     * retains. pg_stat_replication shows its positions only to superusers and members of pg_read_all_stats
     * (pg_monitor has it): without, the lag is unknown, and said so, never read as zero. The same statement reads
     * the role's name, quoted as the GRANT must spell it.
     */
    static GuardObservation.ReplicaLag replicaLag(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_has_role("
                + "'pg_read_all_stats', 'USAGE') OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = "
                + "current_user), pg_catalog.quote_ident(current_user)")) {
            if (rs.next() && !rs.getBoolean(1)) {
                return new GuardObservation.ReplicaLag(true, 0, null, 0, null, "the role cannot read the replication "
                        + "lag (pg_stat_replication shows it only to superusers and members of pg_read_all_stats): "
                        + "GRANT pg_monitor TO " + rs.getString(2) + ", or remove spec.replicaLag");
            }
        }
        long maxBytes = 0;
        String bytesWhere = null;
        long maxLag = 0;
        String lagWhere = null;
        String sql = "SELECT 'standby ' || quote_literal(coalesce(nullif(application_name, ''), client_addr::text, "
                + "'local')), pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), replay_lsn)::bigint, "
                + "(extract(epoch FROM replay_lag) * 1000)::bigint FROM pg_catalog.pg_stat_replication "
                + "UNION ALL SELECT 'replication slot ' || quote_literal(slot_name), "
                + "pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint, NULL "
                + "FROM pg_catalog.pg_replication_slots WHERE restart_lsn IS NOT NULL";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long bytes = rs.getLong(2);
                if (!rs.wasNull() && bytes > maxBytes) {
                    maxBytes = bytes;
                    bytesWhere = rs.getString(1);
                }
                long lag = rs.getLong(3);
                if (!rs.wasNull() && lag > maxLag) {
                    maxLag = lag;
                    lagWhere = rs.getString(1);
                }
            }
        }
        return new GuardObservation.ReplicaLag(true, maxBytes, bytesWhere, maxLag, lagWhere, null);
    }

    /**
     * Whether a connection is one PostgreSQL session across transactions. A fresh probe connection asks for its
     * backend pid in one transaction; then the monitor session opens a transaction (a transaction-mode pooler
     * hands it the server connection just released, the most recently used one); then the probe asks again in a
     * second transaction. Straight to PostgreSQL, or through a session-mode pooler, both answers are the same
     * backend; through a transaction- or statement-mode pooler the second lands on another server connection, or
     * waits for one (a pool of one). Returns what showed a pooler, or null.
     */
    static String poolerEvidence(Databases databases, ConnectionInfo info, Connection monitor) throws SQLException {
        try {
            return pidsAcrossTransactions(databases, info, monitor);
        } catch (SQLException e) {
            if (SqlErrors.classify(e).kind() == ErrorKind.PoolerNotSupported) {
                return "a prepared statement of the driver met another client's (" + SqlErrors.describe(e) + ")";
            }
            throw e;
        }
    }

    private static String pidsAcrossTransactions(Databases databases, ConnectionInfo info, Connection monitor)
            throws SQLException {
        try (Connection probe = databases.monitor(info)) {
            int first = pid(probe, 0);
            boolean auto = monitor.getAutoCommit();
            monitor.setAutoCommit(false);
            try {
                try {
                    pid(monitor, 0);
                } catch (SQLException e) {
                    return "a transaction block was refused (" + e.getMessage() + ")"; // statement mode
                }
                int second;
                try {
                    second = pid(probe, PROBE_WAIT_SECONDS);
                } catch (SQLException e) {
                    return "a second transaction on one connection waited " + PROBE_WAIT_SECONDS + "s for a "
                            + "server connection (" + e.getMessage() + ")";
                }
                return first == second ? null : "the PostgreSQL backend changed from pid " + first + " to " + second
                        + " between two transactions on one connection";
            } finally {
                if (!monitor.isClosed()) { // a statement-mode PgBouncer closes a connection that opens a transaction
                    try {
                        monitor.rollback();
                    } finally {
                        monitor.setAutoCommit(auto);
                    }
                }
            }
        }
    }

    private static int pid(Connection c, int timeoutSeconds) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
