package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * Lets PostgreSQL itself check and normalise a definition before anything touches the real table: inside one short
 * transaction that is always rolled back, it parses each user fragment as a single-statement cursor (a
 * multi-statement payload fails with "cannot open multi-query plan as cursor"), creates an empty temporary copy of
 * the table ({@code LIKE}: same columns, types, collations) and builds the candidate index on it. Unknown columns,
 * non-IMMUTABLE functions, bad opclasses or storage parameters fail here, in milliseconds, with the server's own
 * message. The candidate's catalog shape is then compared with an existing index of the same name.
 */
public final class IndexInspector {
    static final String SCRATCH_TABLE = "pgindex_scratch";
    static final String CANDIDATE = "pgindex_candidate";
    private static final String PROBE_FUNCTION = "CREATE FUNCTION pg_temp.pgindex_probe(q text) RETURNS void "
            + "LANGUAGE plpgsql AS $f$ DECLARE c refcursor; BEGIN OPEN c FOR EXECUTE q; CLOSE c; END $f$";

    private IndexInspector() {
    }

    /** Checks the definition on the server and returns the candidate's shape. Throws the server's error. */
    public static IndexShape candidate(Connection c, IndexDefinition d) throws SQLException {
        d.validate();
        if (d.tablespace() != null) {
            // the candidate is built without TABLESPACE (a temporary table's index lives elsewhere), so check it here
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = ?")) {
                ps.setString(1, d.tablespace());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("tablespace \"" + d.tablespace() + "\" does not exist", "42704");
                    }
                }
            }
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(Timeouts.lockTimeout(true, Timeouts.CANDIDATE_LOCK));
            if (d.where() != null || d.columns().stream().anyMatch(col -> col.expression() != null)) {
                s.execute(PROBE_FUNCTION);
                if (d.where() != null) {
                    probe(c, Ddl.predicateProbe(d));
                }
                for (IndexDefinition.Column col : d.columns()) {
                    if (col.expression() != null) {
                        probe(c, Ddl.expressionProbe(d, col.expression()));
                    }
                }
            }
            s.execute(Ddl.scratchTable(d, SCRATCH_TABLE));
            s.execute(Ddl.scratchIndex(d, SCRATCH_TABLE, CANDIDATE));
            long oid;
            try (ResultSet rs = s.executeQuery("SELECT 'pg_temp." + CANDIDATE + "'::regclass::oid")) {
                rs.next();
                oid = rs.getLong(1);
            }
            IndexShape shape = Catalog.shape(c, oid);
            return new IndexShape(shape.method(), shape.unique(), shape.nullsNotDistinct(), shape.keyColumns(),
                    shape.allColumns(), shape.columns(), shape.opclasses(), shape.collations(), shape.options(),
                    shape.expressions(), shape.predicate(), shape.reloptions(), wantedDefinition(c, oid, d));
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    /**
     * Whether an existing index is the one the definition asks for; null when it is, else what differs, named
     * the way pg_get_indexdef prints it, followed by both definitions in full.
     */
    public static String mismatch(Connection c, Catalog.IndexState existing, IndexDefinition d) throws SQLException {
        if (!Objects.equals(existing.tableSchema(), d.schema()) || !Objects.equals(existing.tableName(), d.table())) {
            return "it indexes table " + existing.tableSchema() + "." + existing.tableName() + ", not "
                    + d.schema() + "." + d.table() + ". Existing: " + existing.definition();
        }
        IndexShape wanted = candidate(c, d);
        IndexShape actual = Catalog.shape(c, existing.oid());
        String diff = actual.differences(wanted);
        String ts = Catalog.tablespace(c, existing.oid());
        if (!Objects.equals(ts, d.tablespace())) {
            diff = diff + (diff.isEmpty() ? "" : "; ") + "tablespace: existing " + (ts == null ? "default" : ts)
                    + ", wanted " + (d.tablespace() == null ? "default" : d.tablespace());
        }
        if (diff.isEmpty()) {
            return null;
        }
        return diff + ". Existing: " + actual.definition() + "; wanted: " + wanted.definition();
    }

    /**
     * The candidate's pg_get_indexdef, with the scratch names replaced by the real ones, so it reads exactly like
     * the existing index's definition would if it matched the spec.
     */
    private static String wantedDefinition(Connection c, long candidateOid, IndexDefinition d) throws SQLException {
        String sql = "SELECT regexp_replace(pg_catalog.pg_get_indexdef(?::oid), "
                + "'^(CREATE (UNIQUE )?INDEX )" + CANDIDATE + " ON (ONLY )?(pg_temp(_[0-9]+)?\\.)?" + SCRATCH_TABLE
                + " ', "
                + "'\\1' || quote_ident(?) || ' ON \\3' || quote_ident(?) || '.' || quote_ident(?) || ' ')";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, candidateOid);
            ps.setString(2, d.name());
            ps.setString(3, d.schema());
            ps.setString(4, d.table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1) + (d.tablespace() == null ? "" : " TABLESPACE " + d.tablespace());
            }
        }
    }

    private static void probe(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_temp.pgindex_probe(?)")) {
            ps.setString(1, sql);
            ps.execute();
        }
    }
}
