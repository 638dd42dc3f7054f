package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Catalog reads of a PostgresConstraint, each with bind parameters, on a monitor session. */
final class ConstraintCatalog {
    static final String SCRATCH_TABLE = "pgindex_constraint_table";
    static final String SCRATCH_NAME = "pgindex_constraint_check";
    static final String SCRATCH_COLUMN = "pgindex_constraint_immutable";

    private ConstraintCatalog() {
    }

    static ConstraintObservation observe(Connection c, ConstraintDefinition d, String ownerUid) throws SQLException {
        int version = Catalog.serverVersionNum(c);
        Optional<Catalog.TableInfo> table = Catalog.findTable(c, d.schema(), d.table());
        Long refOid = null;
        if (d.shape() instanceof ConstraintDefinition.ForeignKey fk) {
            refOid = Catalog.findTable(c, fk.refSchema(), fk.refTable()).map(Catalog.TableInfo::oid).orElse(null);
        }
        Optional<Catalog.Backend> ours = Catalog.activeBackendNamed(c, Databases.builderApplicationName(ownerUid));
        if (table.isEmpty()) {
            return new ConstraintObservation(version, null, false, refOid, Optional.empty(), null, null, null, ours,
                    List.of(), null);
        }
        long oid = table.get().oid();
        SqlErrors.Failure refused = null;
        String wanted = null;
        if (d.shape() instanceof ConstraintDefinition.Check ch) {
            try {
                wanted = checkDefinition(c, d.schema(), d.table(), ch.expression());
            } catch (SQLException e) {
                refused = SqlErrors.classify(e);
                if (refused.isTransient()) {
                    throw e;
                }
            }
        }
        Optional<ConstraintObservation.Existing> existing = existing(c, d, oid, refOid, version, wanted);
        Boolean notNull = null;
        String elsewhere = null;
        if (d.shape() instanceof ConstraintDefinition.NotNull n) {
            notNull = attNotNull(c, oid, n.column());
            if (Boolean.TRUE.equals(notNull) && version >= ConstraintDefinition.NATIVE_NOT_NULL_VERSION) {
                // 18: attnotnull is true from ADD ... NOT NULL ... NOT VALID on, before any row was checked; the
                // column counts as NOT NULL only once its constraint is validated
                Optional<Map.Entry<String, Boolean>> k = notNullConstraint(c, oid, n.column());
                if (k.isPresent() && !k.get().getValue()) {
                    notNull = false;
                }
                elsewhere = k.map(Map.Entry::getKey).filter(x -> !x.equals(d.name())).orElse(null);
            }
        }
        String index = d.shape() instanceof ConstraintDefinition.ForeignKey fk ? supportingIndex(c, oid, fk.columns())
                : null;
        return new ConstraintObservation(version, oid, table.get().partitioned(), refOid, existing, notNull, elsewhere,
                index, ours, primaryKey(c, oid), refused);
    }

    private static Optional<ConstraintObservation.Existing> existing(Connection c, ConstraintDefinition d, long table,
            Long refOid, int version, String wanted) throws SQLException {
        String sql = "SELECT k.oid, k.contype, k.convalidated, pg_catalog.pg_get_constraintdef(k.oid), "
                + "pg_catalog.obj_description(k.oid, 'pg_constraint'), "
                + "ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_catalog.pg_attribute a "
                + "  ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o)::text[], "
                + "ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_catalog.pg_attribute a "
                + "  ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o)::text[], "
                + "k.confrelid, k.confupdtype, k.confdeltype, k.confmatchtype, k.condeferrable, k.condeferred "
                + "FROM pg_catalog.pg_constraint k WHERE k.conrelid = ? AND k.conname = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, table);
            ps.setString(2, d.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long oid = rs.getLong(1);
                char type = rs.getString(2).charAt(0);
                String def = rs.getString(4);
                List<String> cols = List.of((String[]) rs.getArray(6).getArray());
                List<String> refCols = List.of((String[]) rs.getArray(7).getArray());
                String conflict;
                if (d.shape() instanceof ConstraintDefinition.ForeignKey fk) {
                    conflict = type != 'f' ? "it is not a foreign key" : fkDifference(fk, cols, refCols, rs.getLong(8),
                            refOid, rs.getString(9).charAt(0), rs.getString(10).charAt(0), rs.getString(11).charAt(0),
                            rs.getBoolean(12), rs.getBoolean(13));
                } else if (d.shape() instanceof ConstraintDefinition.NotNull nn) {
                    conflict = notNullDifference(nn, type, cols, def, version);
                } else {
                    conflict = type != 'c' ? "it is not a CHECK constraint" : null;
                }
                ConstraintObservation.Existing e = new ConstraintObservation.Existing(oid, type, rs.getBoolean(3), def,
                        OwnershipMark.parse(rs.getString(5)), conflict);
                if (conflict == null && wanted != null) {
                    if (!stripNotValid(def).equals(stripNotValid(wanted))) {
                        e = new ConstraintObservation.Existing(oid, type, e.validated(), def, e.mark(),
                                "the database has " + def + ", the spec asks for " + wanted);
                    }
                }
                return Optional.of(e);
            }
        }
    }

    static String stripNotValid(String def) {
        return def.endsWith(" NOT VALID") ? def.substring(0, def.length() - " NOT VALID".length()) : def;
    }

    private static String notNullDifference(ConstraintDefinition.NotNull nn, char type, List<String> cols, String def,
            int version) {
        if (version >= ConstraintDefinition.NATIVE_NOT_NULL_VERSION && type == 'n') {
            return cols.equals(List.of(nn.column())) ? null : "it is the NOT NULL of column " + cols;
        }
        String helper = "CHECK ((" + Quoting.ident(nn.column()) + " IS NOT NULL))";
        String bare = "CHECK ((" + nn.column() + " IS NOT NULL))";
        String printed = stripNotValid(def);
        return type == 'c' && (printed.equals(helper) || printed.equals(bare)) ? null
                : "the database has " + def + ", a NOT NULL of column " + nn.column() + " needs " + helper;
    }

    private static String fkDifference(ConstraintDefinition.ForeignKey fk, List<String> cols, List<String> refCols,
            long confrelid, Long refOid, char upd, char del, char match, boolean deferrable, boolean deferred) {
        List<String> diff = new ArrayList<>();
        if (!cols.equals(fk.columns())) {
            diff.add("columns " + cols + " (spec " + fk.columns() + ")");
        }
        if (refOid == null || confrelid != refOid) {
            diff.add("it references another table");
        }
        if (!refCols.equals(fk.refColumns())) {
            diff.add("referenced columns " + refCols + " (spec " + fk.refColumns() + ")");
        }
        if (upd != actionCode(fk.onUpdate()) || del != actionCode(fk.onDelete())) {
            diff.add("other ON UPDATE / ON DELETE actions");
        }
        if (match != (fk.match().equals("FULL") ? 'f' : 's')) {
            diff.add("MATCH " + (match == 'f' ? "FULL" : match == 'p' ? "PARTIAL" : "SIMPLE"));
        }
        if (deferrable != fk.deferrable() || deferred != fk.initiallyDeferred()) {
            diff.add("other DEFERRABLE settings");
        }
        return diff.isEmpty() ? null : String.join("; ", diff);
    }

    private static char actionCode(String sql) {
        return switch (sql) {
            case "RESTRICT" -> 'r';
            case "CASCADE" -> 'c';
            case "SET NULL" -> 'n';
            case "SET DEFAULT" -> 'd';
            default -> 'a';
        };
    }

    /**
     * How PostgreSQL prints the CHECK the spec asks for: added NOT VALID to an empty temporary copy of the table
     * (same columns and types) in a transaction that is rolled back, so the real table is only read. This is also
     * where the server refuses an expression a CHECK cannot hold (a subquery, an unknown column), and one that is
     * not immutable: PostgreSQL takes a CHECK to be immutable but does not enforce it, and a STABLE or VOLATILE
     * call (nextval, set_config, pg_advisory_lock, pg_terminate_backend, dblink_exec ...) would run with its side
     * effects in the count of violating rows (dblink_exec escapes its read-only transaction) and then in every
     * INSERT and UPDATE of the table, as whoever runs them. The server judges that itself: the expression must also
     * be accepted as a generated column of the copy (which must be immutable; nothing is evaluated, the copy is
     * empty).
     */
    static String checkDefinition(Connection c, String schema, String table, String expression) throws SQLException {
        SqlFragments.check("check.expression", expression);
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE " + SCRATCH_TABLE + " (LIKE " + Quoting.qualified(schema, table) + ")");
            s.execute("ALTER TABLE pg_temp." + SCRATCH_TABLE + " ADD CONSTRAINT " + SCRATCH_NAME + " CHECK ("
                    + expression + ") NOT VALID");
            try {
                s.execute("ALTER TABLE pg_temp." + SCRATCH_TABLE + " ADD COLUMN " + SCRATCH_COLUMN
                        + " boolean GENERATED ALWAYS AS ((" + expression + ")) STORED");
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("42")) {
                    throw e;
                }
                throw new SQLException("check.expression must be immutable (the same result for the same row, "
                        + "with no side effects; a STABLE or VOLATILE function would run in every INSERT and UPDATE "
                        + "of the table) and name the row's columns one by one: tried as a generated column of the "
                        + "copy, PostgreSQL says: " + SqlErrors.describe(e), e.getSQLState(), e);
            }
            // by name: from PostgreSQL 18 on, LIKE copies the NOT NULL constraints of the table too
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_get_constraintdef(oid) FROM "
                    + "pg_catalog.pg_constraint WHERE conrelid = 'pg_temp." + SCRATCH_TABLE + "'::regclass "
                    + "AND conname = ?")) {
                ps.setString(1, SCRATCH_NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private static Boolean attNotNull(Connection c, long table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT attnotnull FROM pg_catalog.pg_attribute "
                + "WHERE attrelid = ? AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            ps.setLong(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }

    /** 18: the column's NOT NULL constraint (PostgreSQL keeps at most one per column), by name, and whether valid. */
    private static Optional<Map.Entry<String, Boolean>> notNullConstraint(Connection c, long table, String column)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT k.conname, k.convalidated FROM pg_catalog.pg_constraint k "
                + "JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
                + "WHERE k.conrelid = ? AND k.contype = 'n' AND a.attname = ?")) {
            ps.setLong(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Map.entry(rs.getString(1), rs.getBoolean(2))) : Optional.empty();
            }
        }
    }

    /** A valid index on the table whose leading key columns are {@code columns} (in any order), by name. */
    private static String supportingIndex(Connection c, long table, List<String> columns) throws SQLException {
        String sql = "SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                + "WHERE i.indrelid = ? AND i.indisvalid AND i.indpred IS NULL AND i.indnkeyatts >= ? "
                + "AND (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attname) FROM pg_catalog.pg_attribute a "
                + "     WHERE a.attrelid = i.indrelid "
                + "       AND a.attnum = ANY ((i.indkey::int2[])[0:(?::int - 1)])) "
                + "  = (SELECT pg_catalog.array_agg(x ORDER BY x) FROM unnest(?::text[]) x) "
                + "ORDER BY ic.relname LIMIT 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, table);
            ps.setInt(2, columns.size());
            ps.setInt(3, columns.size());
            ps.setArray(4, c.createArrayOf("text", columns.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<String> primaryKey(Connection c, long table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_catalog.pg_index i, "
                + "unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o) JOIN pg_catalog.pg_attribute a ON a.attnum = u.n "
                + "WHERE i.indrelid = ? AND i.indisprimary AND a.attrelid = i.indrelid ORDER BY u.o")) {
            ps.setLong(1, table);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** Sessions holding a granted lock on any of the tables (the ones a short-lock step waited for). */
    static List<String> lockHolders(Connection c, List<Long> tables) throws SQLException {
        String sql = "SELECT a.pid, a.usename, a.state, l.mode, "
                + "round(extract(epoch FROM clock_timestamp() - a.xact_start))::bigint, left(a.query, 80) "
                + "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
                + "WHERE l.granted AND l.relation = ANY (?) AND l.pid <> pg_catalog.pg_backend_pid() "
                + "ORDER BY a.xact_start NULLS LAST LIMIT 5";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", tables.toArray()));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long age = rs.getLong(5);
                    String q = rs.getString(6);
                    out.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + ", " + rs.getString(3) + ", holds "
                            + rs.getString(4) + (rs.wasNull() ? "" : ", transaction open " + age + "s") + ")"
                            + (q == null || q.isBlank() ? "" : ": " + q.replaceAll("\\s+", " ").trim()));
                }
            }
            return out;
        }
    }
}
