package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads existing indexes back into {@link IndexDefinition}s, for taking a database under management (the kubectl
 * plugin's import, and from-sql, which reads the index its statement built on a scratch table). Every read has bind
 * parameters. What a definition cannot say (an exclusion constraint, an access method the API lacks, opclass
 * parameters, ...) comes back as {@link Unsupported} with the reason.
 */
public final class IndexCatalog {
    private IndexCatalog() {
    }

    /** One index of a user schema, as the listing sees it. */
    public record Listed(long oid, String schema, String table, String name, char relkind, boolean valid,
            String comment, String definition, Character constraintType, String constraintName,
            boolean constraintDeferrable, String attachedTo, char tableRelkind, long tableOid) {
    }

    /** The catalog holds something the PostgresIndex API cannot express; the message says what. */
    public static final class Unsupported extends Exception {
        public Unsupported(String message) {
            super(message);
        }
    }

    /**
     * Every index on a table, partitioned table or materialized view outside the system schemas, except the tables
     * an extension owns (its own objects, created and dropped with it).
     */
    public static List<Listed> list(Connection c) throws SQLException {
        String sql = "SELECT ic.oid, n.nspname, t.relname, ic.relname, ic.relkind, "
                + "i.indisvalid AND i.indisready AND i.indislive, pg_catalog.obj_description(ic.oid, 'pg_class'), "
                + "pg_catalog.pg_get_indexdef(ic.oid), con.contype, con.conname, coalesce(con.condeferrable, false), "
                + "(SELECT pn.nspname || '.' || p.relname FROM pg_catalog.pg_inherits h "
                + "   JOIN pg_catalog.pg_class p ON p.oid = h.inhparent "
                + "   JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = ic.oid LIMIT 1), "
                + "t.relkind, t.oid "
                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                + "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
                + "LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = ic.oid AND con.contype IN ('p', 'u', 'x') "
                + "WHERE t.relkind IN ('r', 'p', 'm') AND n.nspname NOT LIKE 'pg\\_%' "
                + "AND n.nspname <> 'information_schema' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                + "  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = t.oid AND d.deptype = 'e') "
                + "ORDER BY n.nspname, t.relname, ic.relname";
        List<Listed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String contype = rs.getString(9);
                out.add(new Listed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5).charAt(0), rs.getBoolean(6), rs.getString(7), rs.getString(8),
                        contype == null ? null : contype.charAt(0), rs.getString(10), rs.getBoolean(11),
                        rs.getString(12), rs.getString(13).charAt(0), rs.getLong(14)));
            }
        }
        return out;
    }

    /**
     * The definition that reproduces index {@code oid}, named {@code schema.table} / {@code name} (for a scratch
     * index, the real table it stands for). {@code explicit} names every operator class and collation, even the
     * defaults: a fallback when the short form does not compare equal.
     */
    public static IndexDefinition definition(Connection c, long oid, String schema, String table, String name,
            boolean explicit) throws SQLException, Unsupported {
        String head = "SELECT am.amname, i.indisunique, "
                + "coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false), i.indnkeyatts, "
                + "pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), ic.reloptions::text[], ts.spcname, "
                + "i.indisexclusion "
                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                + "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
                + "LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = ic.reltablespace WHERE i.indexrelid = ?";
        String method;
        boolean unique;
        boolean nnd;
        int nkey;
        String where;
        TreeMap<String, String> params = new TreeMap<>();
        String tablespace;
        try (PreparedStatement ps = c.prepareStatement(head)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("index with oid " + oid + " vanished", "42704");
                }
                method = rs.getString(1);
                unique = rs.getBoolean(2);
                nnd = rs.getBoolean(3);
                nkey = rs.getInt(4);
                where = rs.getString(5);
                java.sql.Array opts = rs.getArray(6);
                if (opts != null) {
                    for (String o : (String[]) opts.getArray()) {
                        int eq = o.indexOf('=');
                        params.put(eq < 0 ? o : o.substring(0, eq), eq < 0 ? "" : o.substring(eq + 1));
                    }
                }
                tablespace = rs.getString(7);
                if (rs.getBoolean(8)) {
                    throw new Unsupported("it backs an exclusion constraint (EXCLUDE USING ...), which the API "
                            + "cannot express");
                }
            }
        }
        if (!IndexDefinition.METHODS.contains(method)) {
            throw new Unsupported("access method " + method + " is not one the API supports "
                    + IndexDefinition.METHODS);
        }
        List<IndexDefinition.Column> columns = new ArrayList<>();
        List<String> include = new ArrayList<>();
        String cols = "SELECT k.ord, k.attnum, a.attname, pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true), "
                + "o.opt, oc.opcname, ocn.nspname, oc.opcdefault, co.coll, cl.collname, a.attcollation, "
                + "ia.attoptions IS NOT NULL "
                + "FROM pg_catalog.pg_index i "
                + "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) "
                + "LEFT JOIN LATERAL unnest(i.indoption::int2[]) WITH ORDINALITY o(opt, ord) ON o.ord = k.ord "
                + "LEFT JOIN LATERAL unnest(i.indclass::oid[]) WITH ORDINALITY ko(opc, ord) ON ko.ord = k.ord "
                + "LEFT JOIN LATERAL unnest(i.indcollation::oid[]) WITH ORDINALITY co(coll, ord) ON co.ord = k.ord "
                + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "  AND k.attnum <> 0 "
                + "LEFT JOIN pg_catalog.pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.ord "
                + "LEFT JOIN pg_catalog.pg_opclass oc ON oc.oid = ko.opc "
                + "LEFT JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace "
                + "LEFT JOIN pg_catalog.pg_collation cl ON cl.oid = co.coll "
                + "WHERE i.indexrelid = ? ORDER BY k.ord";
        try (PreparedStatement ps = c.prepareStatement(cols)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int ord = rs.getInt(1);
                    int attnum = rs.getInt(2);
                    String attname = rs.getString(3);
                    if (ord > nkey) {
                        include.add(attname);
                        continue;
                    }
                    if (rs.getBoolean(12)) {
                        throw new Unsupported("key column " + ord + " has operator class parameters ("
                                + rs.getString(4) + " ... (name=value)), which the API cannot express");
                    }
                    if (attnum < 0) {
                        throw new Unsupported("it indexes the system column " + attname);
                    }
                    String expression = attnum == 0 ? rs.getString(4) : null;
                    int opt = rs.getInt(5);
                    boolean desc = (opt & 1) == 1;
                    boolean nullsFirst = (opt & 2) == 2;
                    boolean sortable = "btree".equals(method);
                    Boolean descending = sortable && desc ? Boolean.TRUE : null;
                    Boolean nulls = sortable && nullsFirst != desc ? nullsFirst : null;
                    // a non-default operator class by its bare name: resolved through the search_path like the
                    // operator's DDL resolves it, and proven by the comparison the caller runs
                    String opclass = explicit || !rs.getBoolean(8) ? rs.getString(6) : null;
                    long coll = rs.getLong(9);
                    long columnColl = rs.getLong(11);
                    String collation = null;
                    if (coll != 0 && (explicit || (attnum == 0 ? coll != 100 : coll != columnColl))) {
                        collation = rs.getString(10);
                    }
                    columns.add(new IndexDefinition.Column(attnum == 0 ? null : attname, expression, descending,
                            nulls, opclass, collation));
                }
            }
        }
        return new IndexDefinition(schema, table, name, unique, method, columns, include, where, nnd, params,
                tablespace);
    }
}
