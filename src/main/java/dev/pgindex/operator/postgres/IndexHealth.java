package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalog reads of an index audit (kubectl pgindex audit), all plain SELECTs with bind parameters, meant for
 * a READ ONLY transaction: index shapes for duplicate and prefix checks, scan statistics and their age, foreign
 * keys without a covering index, and builds in progress (whose index is INVALID on purpose).
 */
public final class IndexHealth {
    private IndexHealth() {
    }

    /** A valid index, reduced to what duplicate and prefix checks compare. Partitions' attached indexes excluded. */
    public record Shape(long oid, String schema, String table, long tableOid, String name, String method,
            boolean unique, boolean nullsNotDistinct, boolean constraint, int keyColumns, List<Integer> attnums,
            List<Long> opclasses, List<Long> collations, List<Integer> options, String expressions, String predicate,
            String size) {
        /** The key part (columns, operator classes, collations, sort options) of the first n key columns. */
        public boolean keyPrefixOf(Shape longer, int n) {
            return attnums.subList(0, n).equals(longer.attnums.subList(0, n))
                    && opclasses.subList(0, n).equals(longer.opclasses.subList(0, n))
                    && collations.subList(0, n).equals(longer.collations.subList(0, n))
                    && options.subList(0, n).equals(longer.options.subList(0, n));
        }

        public boolean hasInclude() {
            return attnums.size() > keyColumns;
        }
    }

    public static List<Shape> shapes(Connection c) throws SQLException {
        String sql = "SELECT ic.oid, n.nspname, t.relname, t.oid, ic.relname, am.amname, i.indisunique, "
                + "coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false), "
                + "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = ic.oid "
                + "  AND con.contype IN ('p', 'u', 'x')), i.indnkeyatts, "
                + "array(SELECT k FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(k, o) ORDER BY o)::int[], "
                + "array(SELECT k FROM unnest(i.indclass::oid[]) WITH ORDINALITY u(k, o) ORDER BY o)::bigint[], "
                + "array(SELECT k FROM unnest(i.indcollation::oid[]) WITH ORDINALITY u(k, o) ORDER BY o)::bigint[], "
                + "array(SELECT k FROM unnest(i.indoption::int2[]) WITH ORDINALITY u(k, o) ORDER BY o)::int[], "
                + "coalesce(pg_catalog.pg_get_expr(i.indexprs, i.indrelid), ''), "
                + "coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid), ''), "
                + "pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(ic.oid)) "
                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                + "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
                + "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
                + "WHERE i.indisvalid AND i.indisready AND i.indislive AND n.nspname NOT LIKE 'pg\\_%' "
                + "AND n.nspname <> 'information_schema' "
                + "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = ic.oid) "
                + "ORDER BY n.nspname, t.relname, ic.oid";
        List<Shape> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Shape(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9), rs.getInt(10),
                        ints(rs.getArray(11)), longs(rs.getArray(12)), longs(rs.getArray(13)), ints(rs.getArray(14)),
                        rs.getString(15), rs.getString(16), rs.getString(17)));
            }
        }
        return out;
    }

    /** How long the scan counters have been counting, in seconds, and since when (ISO text). */
    public record StatsAge(long seconds, String since) {
    }

    /**
     * The age of this database's statistics: since their last reset, or (never reset) at least since the server
     * started, a lower bound that can only make the audit more cautious.
     */
    public static StatsAge statsAge(Connection c) throws SQLException {
        String sql = "SELECT extract(epoch FROM now() - s)::bigint, to_char(s AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM (SELECT coalesce(d.stats_reset, pg_catalog.pg_postmaster_start_time()) s "
                + "FROM pg_catalog.pg_stat_database d WHERE d.datname = current_database()) x";
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new StatsAge(rs.getLong(1), rs.getString(2)) : new StatsAge(0, "unknown");
        }
    }

    /** An index never scanned since the statistics began; unique and constraint-backed ones are never listed. */
    public record Unused(long oid, String schema, String table, String name, String size) {
    }

    public static List<Unused> unused(Connection c) throws SQLException {
        String sql = "SELECT s.indexrelid, s.schemaname, s.relname, s.indexrelname, "
                + "pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(s.indexrelid)) "
                + "FROM pg_catalog.pg_stat_user_indexes s JOIN pg_catalog.pg_index i ON i.indexrelid = s.indexrelid "
                + "WHERE s.idx_scan = 0 AND NOT i.indisunique AND i.indisvalid "
                + "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = s.indexrelid) "
                + "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = s.indexrelid) "
                + "ORDER BY pg_catalog.pg_relation_size(s.indexrelid) DESC, s.schemaname, s.indexrelname";
        List<Unused> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Unused(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return out;
    }

    /** A foreign key whose columns lead no valid, non-partial index of the referencing table. */
    public record UnindexedForeignKey(String schema, String table, String constraint, List<String> columns,
            String referenced) {
    }

    public static List<UnindexedForeignKey> unindexedForeignKeys(Connection c) throws SQLException {
        String sql = "SELECT n.nspname, t.relname, con.conname, "
                + "array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) "
                + "  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
                + "  ORDER BY k.ord), rn.nspname || '.' || r.relname "
                + "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class t ON t.oid = con.conrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                + "JOIN pg_catalog.pg_class r ON r.oid = con.confrelid "
                + "JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace "
                + "WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname NOT LIKE 'pg\\_%' "
                + "AND n.nspname <> 'information_schema' AND NOT EXISTS ("
                + "  SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = con.conrelid AND i.indisvalid "
                + "  AND i.indpred IS NULL AND i.indnkeyatts >= cardinality(con.conkey) "
                + "  AND (SELECT array_agg(k ORDER BY k) FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(k, o) "
                + "       WHERE o <= cardinality(con.conkey)) "
                + "    = (SELECT array_agg(k ORDER BY k) FROM unnest(con.conkey) k)) "
                + "ORDER BY n.nspname, t.relname, con.conname";
        List<UnindexedForeignKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new UnindexedForeignKey(rs.getString(1), rs.getString(2), rs.getString(3),
                        Arrays.asList((String[]) rs.getArray(4).getArray()), rs.getString(5)));
            }
        }
        return out;
    }

    /** Indexes some backend is building right now (an INVALID index is expected while it runs). */
    public static Set<Long> beingBuilt(Connection c) throws SQLException {
        Set<Long> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT index_relid FROM pg_catalog.pg_stat_progress_create_index "
                + "WHERE datname = current_database()"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static List<Integer> ints(java.sql.Array a) throws SQLException {
        List<Integer> out = new ArrayList<>();
        for (Object o : (Object[]) a.getArray()) {
            out.add(((Number) o).intValue());
        }
        return out;
    }

    private static List<Long> longs(java.sql.Array a) throws SQLException {
        List<Long> out = new ArrayList<>();
        for (Object o : (Object[]) a.getArray()) {
            out.add(((Number) o).longValue());
        }
        return out;
    }
}
