package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The foreign keys, CHECK and (PostgreSQL 18) NOT NULL constraints of the user tables, for taking a database under
 * management (the kubectl plugin's audit and import), and the operator's own comparison of one against a
 * {@link ConstraintDefinition}. Every read has bind parameters.
 */
public final class ConstraintListing {
    private ConstraintListing() {
    }

    /**
     * One constraint of a table or partitioned table outside the system schemas.
     *
     * @param type        pg_constraint.contype: f, c or n
     * @param inherited   a partition's copy of its parent's constraint (conparentid), or a CHECK inherited and not
     *                    declared on this table itself (NOT conislocal): the parent's constraint stands for it
     * @param refSchema   a foreign key's referenced schema (null otherwise), likewise refTable and refColumns
     * @param onUpdate    pg_constraint.confupdtype, likewise onDelete (confdeltype) and match (confmatchtype)
     * @param unsupported what the PostgresConstraint API cannot say about it (NO INHERIT, a column list on ON DELETE
     *                    SET NULL, PERIOD, NOT ENFORCED), or null
     */
    public record Listed(long oid, String schema, String table, String name, char type, boolean validated,
            String definition, String comment, List<String> columns, String refSchema, String refTable,
            List<String> refColumns, char onUpdate, char onDelete, char match, boolean deferrable, boolean deferred,
            boolean inherited, String unsupported) {

        /** foreign key, check or not null: how the audit and import name the kind. */
        public String kindWords() {
            return type == 'f' ? "foreign key" : type == 'c' ? "check" : "not null";
        }
    }

    public static List<Listed> list(Connection c) throws SQLException {
        int version = Catalog.serverVersionNum(c);
        String unsupported = "CASE WHEN k.contype <> 'f' AND k.connoinherit THEN 'it is NO INHERIT' "
                + (version >= 150000 ? "WHEN cardinality(k.confdelsetcols) > 0 THEN 'its ON DELETE SET NULL / SET "
                        + "DEFAULT names columns' " : "")
                + (version >= 180000 ? "WHEN k.conperiod THEN 'it has PERIOD (a temporal key)' "
                        + "WHEN NOT k.conenforced THEN 'it is NOT ENFORCED' " : "")
                + "END";
        String sql = "SELECT k.oid, n.nspname, t.relname, k.conname, k.contype, k.convalidated, "
                + "pg_catalog.pg_get_constraintdef(k.oid), pg_catalog.obj_description(k.oid, 'pg_constraint'), "
                + columns("k.conkey", "k.conrelid") + ", rn.nspname, r.relname, "
                + columns("k.confkey", "k.confrelid") + ", k.confupdtype, k.confdeltype, k.confmatchtype, "
                + "k.condeferrable, k.condeferred, k.conparentid <> 0 OR NOT k.conislocal, " + unsupported + " "
                + "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class t ON t.oid = k.conrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                + "LEFT JOIN pg_catalog.pg_class r ON r.oid = k.confrelid "
                + "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace "
                + "WHERE k.contype IN ('f', 'c', 'n') AND t.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' "
                + "AND n.nspname <> 'information_schema' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                + "  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = t.oid AND d.deptype = 'e') "
                + "ORDER BY n.nspname, t.relname, k.conname";
        List<Listed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Listed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5).charAt(0), rs.getBoolean(6), rs.getString(7), rs.getString(8),
                        names(rs.getArray(9)), rs.getString(10), rs.getString(11), names(rs.getArray(12)),
                        rs.getString(13).charAt(0), rs.getString(14).charAt(0), rs.getString(15).charAt(0),
                        rs.getBoolean(16), rs.getBoolean(17), rs.getBoolean(18), rs.getString(19)));
            }
        }
        return out;
    }

    private static String columns(String keys, String relation) {
        return "ARRAY(SELECT a.attname::text FROM unnest(" + keys + ") WITH ORDINALITY u(n, o) "
                + "JOIN pg_catalog.pg_attribute a ON a.attrelid = " + relation + " AND a.attnum = u.n ORDER BY u.o)";
    }

    private static List<String> names(java.sql.Array a) throws SQLException {
        return a == null ? List.of() : List.of((String[]) a.getArray());
    }

    /**
     * How the operator, given {@code d}, would see the constraint of that name: null when it adopts it as the same
     * definition, else the difference (or PostgreSQL's refusal of the CHECK expression) in words. A CHECK is
     * compared through an empty temporary copy of the table in a transaction that is rolled back: call it on an
     * autocommit session, never inside a transaction of the caller's.
     */
    public static String mismatch(Connection c, ConstraintDefinition d) throws SQLException {
        ConstraintObservation o = ConstraintCatalog.observe(c, d, "kubectl-pgindex");
        if (o.refused() != null) {
            return "PostgreSQL refused the expression on an empty copy of the table: " + o.refused().message();
        }
        if (o.existing().isEmpty()) {
            return "no constraint " + d.name() + " on " + d.schema() + "." + d.table();
        }
        return o.existing().get().conflict();
    }
}
