package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Size and usage counters of one index on one server, in one statement with bind parameters: on the primary over
 * the monitor session of the reconcile, on a replica over a short monitor session of its own. Needs no privilege
 * beyond CONNECT: pg_stat_user_indexes, pg_stat_database and pg_relation_size are readable by every role.
 */
public final class UsageReads {
    /**
     * What one server reports about the index.
     *
     * @param sizeBytes  pg_relation_size of the index
     * @param idxScan    pg_stat_all_indexes.idx_scan: scans since the index's statistics began on this server
     * @param lastIdxScan pg_stat_all_indexes.last_idx_scan (PostgreSQL 16 and later), null before or if never
     * @param statsReset pg_stat_database.stats_reset of the database, null if never reset
     * @param enforces   what the index enforces (a constraint, uniqueness, a referenced key), or null
     * @param hasLastIdxScan whether the server has last_idx_scan at all (16+)
     */
    public record Reading(long sizeBytes, long idxScan, Instant lastIdxScan, Instant statsReset, String enforces,
            boolean hasLastIdxScan) {
    }

    /** server_version_num from which pg_stat_all_indexes has last_idx_scan. */
    static final int LAST_IDX_SCAN_SINCE = 160000;

    private UsageReads() {
    }

    /**
     * The index {@code schema.name} as the server connected on {@code c} sees it; empty when there is no such
     * index there. The server's version comes from the connection's start-up (no statement of its own).
     */
    public static Optional<Reading> read(Connection c, String schema, String name) throws SQLException {
        boolean lastScan = c.getMetaData().getDatabaseMajorVersion() * 10000 >= LAST_IDX_SCAN_SINCE;
        try (PreparedStatement ps = c.prepareStatement(sql(lastScan))) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Reading(rs.getLong(1), rs.getLong(2), instant(rs.getTimestamp(3)),
                        instant(rs.getTimestamp(4)), rs.getString(5), lastScan));
            }
        }
    }

    /** The statement: one row for the index, with what it enforces (conindid covers a referencing foreign key). */
    static String sql(boolean lastIdxScan) {
        return "SELECT pg_catalog.pg_relation_size(c.oid), coalesce(s.idx_scan, 0), "
                + (lastIdxScan ? "s.last_idx_scan" : "NULL::timestamptz") + ", d.stats_reset, "
                + "CASE WHEN k.contype = 'p' THEN 'primary key ' || k.conname "
                + "WHEN k.contype = 'u' THEN 'unique constraint ' || k.conname "
                + "WHEN k.contype = 'x' THEN 'exclusion constraint ' || k.conname "
                + "WHEN k.contype = 'f' THEN 'foreign key ' || k.conname "
                + "WHEN k.contype IS NOT NULL THEN 'constraint ' || k.conname "
                + "WHEN i.indisunique THEN 'uniqueness' END "
                + "FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid "
                + "LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = c.oid "
                + "LEFT JOIN pg_catalog.pg_stat_database d ON d.datname = pg_catalog.current_database() "
                + "LEFT JOIN LATERAL (SELECT contype, conname FROM pg_catalog.pg_constraint "
                + "WHERE conindid = c.oid ORDER BY contype = 'f', conname LIMIT 1) k ON true "
                + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'i'";
    }

    /** Reads the index on another server (a replica) over a short monitor session of its own. */
    public static Optional<Reading> readOn(Databases databases, ConnectionInfo info, String schema, String name)
            throws DatabaseException {
        try (Connection c = databases.monitor(info)) {
            return read(c, schema, name);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
