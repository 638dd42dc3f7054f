package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A session the builder waits for: found with pg_blocking_pids(builder) (the first lock, before any progress row
 * exists) and pg_stat_progress_create_index.current_locker_pid (the internal waits for older transactions), joined
 * to pg_stat_activity. {@code waitingOn} is the builder's ungranted lock type: 'relation' (cancelling leaves
 * nothing behind) or 'virtualxid' (a wait phase; cancelling leaves an INVALID index).
 */
public record Blocker(int pid, String user, String applicationName, String state, Long transactionAgeSeconds,
        Long queryAgeSeconds, String query, String waitingOn) {

    /** Query text PostgreSQL hides from roles without pg_read_all_stats (or pg_monitor). */
    public static final String HIDDEN = "<insufficient privilege>";

    public static List<Blocker> of(Connection c, int builderPid, int maxQueryLength, int limit) throws SQLException {
        String sql = "WITH b AS (SELECT ?::int AS builder_pid), "
                + "x AS (SELECT unnest(pg_catalog.pg_blocking_pids(b.builder_pid)) AS pid FROM b "
                + "  UNION SELECT p.current_locker_pid::int FROM pg_catalog.pg_stat_progress_create_index p, b "
                + "  WHERE p.pid = b.builder_pid AND p.current_locker_pid <> 0) "
                + "SELECT a.pid, a.usename, a.application_name, a.state, "
                + "round(extract(epoch FROM clock_timestamp() - a.xact_start))::bigint, "
                + "round(extract(epoch FROM clock_timestamp() - a.query_start))::bigint, "
                + "left(a.query, ?), "
                + "(SELECT l.locktype FROM pg_catalog.pg_locks l, b WHERE l.pid = b.builder_pid AND NOT l.granted LIMIT 1) "
                + "FROM x JOIN pg_catalog.pg_stat_activity a ON a.pid = x.pid "
                + "ORDER BY a.xact_start NULLS LAST LIMIT ?";
        List<Blocker> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, builderPid);
            ps.setInt(2, maxQueryLength);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long xact = rs.getLong(5);
                    Long xactAge = rs.wasNull() ? null : xact;
                    long q = rs.getLong(6);
                    Long queryAge = rs.wasNull() ? null : q;
                    String query = rs.getString(7);
                    out.add(new Blocker(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), xactAge,
                            queryAge, query == null ? null : query.replaceAll("\\s+", " ").trim(), rs.getString(8)));
                }
            }
        }
        return out;
    }

    public boolean queryHidden() {
        return HIDDEN.equals(query);
    }

    /** One line for a printer column and a condition message. */
    public String summary() {
        StringBuilder b = new StringBuilder("pid ").append(pid);
        List<String> parts = new ArrayList<>();
        if (state != null) {
            parts.add(state);
        }
        if (transactionAgeSeconds != null) {
            parts.add("transaction open " + transactionAgeSeconds + "s");
        }
        if (applicationName != null && !applicationName.isBlank()) {
            parts.add("app " + applicationName);
        }
        if (!parts.isEmpty()) {
            b.append(" (").append(String.join(", ", parts)).append(')');
        }
        if (query != null && !query.isBlank()) {
            b.append(": ").append(query.length() > 80 ? query.substring(0, 80) + "..." : query);
        }
        return b.toString();
    }
}
