package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Catalog reads, all with bind parameters, all on an autocommit connection (no transaction left open). */
public final class Catalog {
    private Catalog() {
    }

    /** A table (or partitioned table, or materialized view). */
    public record TableInfo(long oid, char relkind) {
        public boolean partitioned() {
            return relkind == 'p';
        }
    }

    /** What the catalog says about the relation that carries the index name. */
    public record IndexState(String name, long oid, char relkind, long tableOid, String tableSchema, String tableName, boolean valid,
            boolean ready, boolean live, String comment, String definition, Integer buildingPid, long bytes) {
        public boolean isIndex() {
            return relkind == 'i' || relkind == 'I';
        }

        public boolean healthy() {
            return valid && ready && live;
        }
    }

    /** A backend as pg_stat_activity shows it. */
    public record Backend(int pid, String state, String applicationName, String waitEventType, String waitEvent,
            String query) {
    }

    public static int serverVersionNum(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('server_version_num')::int");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    public static Optional<TableInfo> findTable(Connection c, String schema, String table) throws SQLException {
        String sql = "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'm')";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TableInfo(rs.getLong(1), rs.getString(2).charAt(0)));
            }
        }
    }

    public static Optional<IndexState> findIndex(Connection c, String schema, String name) throws SQLException {
        String sql = "SELECT c.oid, c.relkind, coalesce(t.oid, 0), tn.nspname, t.relname, "
                + "coalesce(i.indisvalid, false), coalesce(i.indisready, false), coalesce(i.indislive, false), "
                + "pg_catalog.obj_description(c.oid, 'pg_class'), "
                + "CASE WHEN c.relkind IN ('i', 'I') THEN pg_catalog.pg_get_indexdef(c.oid) END, "
                + "(SELECT p.pid FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid = c.oid LIMIT 1), "
                + "pg_catalog.pg_relation_size(c.oid) "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid "
                + "LEFT JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
                + "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int pid = rs.getInt(11);
                Integer buildingPid = rs.wasNull() ? null : pid;
                return Optional.of(new IndexState(name, rs.getLong(1), rs.getString(2).charAt(0), rs.getLong(3),
                        rs.getString(4), rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8),
                        rs.getString(9), rs.getString(10), buildingPid, rs.getLong(12)));
            }
        }
    }

    /** The backend with this pid, if it is alive and connected to this database. */
    public static Optional<Backend> backend(Connection c, int pid) throws SQLException {
        String sql = "SELECT pid, state, application_name, wait_event_type, wait_event, left(query, 200) "
                + "FROM pg_catalog.pg_stat_activity WHERE pid = ? AND datname = current_database()";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, pid);
            return firstBackend(ps);
        }
    }

    /** A non-idle backend with this application_name (the builder session of one resource). */
    public static Optional<Backend> activeBackendNamed(Connection c, String applicationName) throws SQLException {
        String sql = "SELECT pid, state, application_name, wait_event_type, wait_event, left(query, 200) "
                + "FROM pg_catalog.pg_stat_activity WHERE application_name = ? AND datname = current_database() "
                + "AND state <> 'idle' AND pid <> pg_backend_pid() ORDER BY backend_start LIMIT 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, applicationName);
            return firstBackend(ps);
        }
    }

    /** The pid of any index build already running on this table (ours or anyone's), if there is one. */
    public static Optional<Integer> buildOnTable(Connection c, long tableOid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_catalog.pg_stat_progress_create_index WHERE relid = ? AND pid <> pg_backend_pid() LIMIT 1")) {
            ps.setLong(1, tableOid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /**
     * The normalised shape of an existing index (see {@link IndexShape}), with operator classes, collations and
     * sort options by name, the way pg_get_indexdef prints them, so a conflict message reads like the DDL.
     */
    public static IndexShape shape(Connection c, long indexOid) throws SQLException {
        String sql = "SELECT am.amname, i.indisunique, "
                + "coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false), i.indnkeyatts, i.indnatts, "
                + "array_to_string(array(SELECT coalesce(a.attname::text, '(expression)') "
                + "  FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) "
                + "  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "  ORDER BY k.ord), ', '), "
                + "array_to_string(array(SELECT CASE WHEN n.nspname = 'pg_catalog' THEN quote_ident(oc.opcname) "
                + "    ELSE quote_ident(n.nspname) || '.' || quote_ident(oc.opcname) END "
                + "  FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(opc, ord) "
                + "  JOIN pg_catalog.pg_opclass oc ON oc.oid = k.opc "
                + "  JOIN pg_catalog.pg_namespace n ON n.oid = oc.opcnamespace ORDER BY k.ord), ', '), "
                + "array_to_string(array(SELECT CASE WHEN co.oid IS NULL THEN '(none)' "
                + "    WHEN n.nspname = 'pg_catalog' THEN quote_ident(co.collname) "
                + "    ELSE quote_ident(n.nspname) || '.' || quote_ident(co.collname) END "
                + "  FROM unnest(i.indcollation::oid[]) WITH ORDINALITY k(coll, ord) "
                + "  LEFT JOIN pg_catalog.pg_collation co ON co.oid = k.coll "
                + "  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace ORDER BY k.ord), ', '), "
                + "array_to_string(array(SELECT CASE WHEN o & 1 = 1 THEN 'DESC' ELSE 'ASC' END "
                + "    || CASE WHEN (o & 2 = 2) = (o & 1 = 1) THEN '' WHEN o & 2 = 2 THEN ' NULLS FIRST' "
                + "    ELSE ' NULLS LAST' END "
                + "  FROM unnest(i.indoption::int2[]) WITH ORDINALITY k(o, ord) ORDER BY k.ord), ', '), "
                + "coalesce(pg_catalog.pg_get_expr(i.indexprs, i.indrelid), ''), "
                + "coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid), ''), "
                + "coalesce(array_to_string(array(SELECT o FROM unnest(c.reloptions) o ORDER BY o), ', '), ''), "
                + "pg_catalog.pg_get_indexdef(i.indexrelid) "
                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                + "JOIN pg_catalog.pg_am am ON am.oid = c.relam WHERE i.indexrelid = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, indexOid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("index with oid " + indexOid + " vanished", "42704");
                }
                return new IndexShape(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getInt(4),
                        rs.getInt(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13));
            }
        }
    }

    /** The tablespace of an index, or null for the database default. */
    public static String tablespace(Connection c, long indexOid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT t.spcname FROM pg_catalog.pg_class c "
                + "LEFT JOIN pg_catalog.pg_tablespace t ON t.oid = c.reltablespace WHERE c.oid = ?")) {
            ps.setLong(1, indexOid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * What stops the current role from building an index on the table, or null: CREATE INDEX needs the table's
     * owner (or a member of the owning role) and CREATE on the schema.
     */
    public static String missingPrivilege(Connection c, long tableOid) throws SQLException {
        String sql = "SELECT current_user, n.nspname, t.relname, pg_catalog.pg_get_userbyid(t.relowner), "
                + "pg_catalog.pg_has_role(t.relowner, 'USAGE'), pg_catalog.has_schema_privilege(n.oid, 'CREATE') "
                + "FROM pg_catalog.pg_class t JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE t.oid = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, tableOid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String me = rs.getString(1);
                String table = rs.getString(2) + "." + rs.getString(3);
                if (!rs.getBoolean(5)) {
                    return "role " + me + " does not own table " + table + " (owner: " + rs.getString(4)
                            + "); CREATE INDEX requires the owner or a member of the owning role: GRANT "
                            + rs.getString(4) + " TO " + me;
                }
                if (!rs.getBoolean(6)) {
                    return "role " + me + " lacks CREATE on schema " + rs.getString(2) + ", which an index needs: "
                            + "GRANT CREATE ON SCHEMA " + rs.getString(2) + " TO " + me;
                }
                return null;
            }
        }
    }

    /**
     * Leftovers of a failed REINDEX CONCURRENTLY of the index: {@code <name>_ccnew[N]} (the unfinished copy) and
     * {@code <name>_ccold[N]} (the original whose drop failed), on the same table and not valid.
     */
    public static java.util.List<IndexState> reindexLeftovers(Connection c, String schema, String name,
            long tableOid) throws SQLException {
        String sql = "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid WHERE n.nspname = ? AND i.indrelid = ? "
                + "AND NOT (i.indisvalid AND i.indisready AND i.indislive) "
                + "AND left(c.relname, length(?)) = ? AND substr(c.relname, length(?) + 1) ~ '^_cc(new|old)[0-9]*$'";
        java.util.List<IndexState> out = new java.util.ArrayList<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            ps.setLong(2, tableOid);
            ps.setString(3, name);
            ps.setString(4, name);
            ps.setString(5, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        for (String n : names) {
            findIndex(c, schema, n).ifPresent(out::add);
        }
        return out;
    }

    /** A constraint backed by an index: name, contype ('u' unique, 'p' primary key, 'x' exclusion) and text. */
    public record ConstraintInfo(String name, char type, String definition) {
    }

    public static Optional<ConstraintInfo> constraintOf(Connection c, long indexOid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT conname, contype, pg_catalog.pg_get_constraintdef(oid) "
                + "FROM pg_catalog.pg_constraint WHERE conindid = ? AND contype IN ('u', 'p', 'x') LIMIT 1")) {
            ps.setLong(1, indexOid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ConstraintInfo(rs.getString(1), rs.getString(2).charAt(0),
                        rs.getString(3))) : Optional.empty();
            }
        }
    }

    /** Key columns of the index that are nullable (a primary key needs them NOT NULL). */
    public static java.util.List<String> nullableKeyColumns(Connection c, long indexOid) throws SQLException {
        String sql = "SELECT a.attname FROM pg_catalog.pg_index i "
                + "JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) ON k.ord <= i.indnkeyatts "
                + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indexrelid = ? AND NOT a.attnotnull ORDER BY k.ord";
        java.util.List<String> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, indexOid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Asks our own backend (same role) to cancel its current statement. */
    public static boolean cancelBackend(Connection c, int pid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_cancel_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Optional<Backend> firstBackend(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Backend(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6)));
        }
    }
}
