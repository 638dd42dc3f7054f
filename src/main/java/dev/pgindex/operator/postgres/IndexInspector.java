package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lets PostgreSQL itself check and normalise a definition before anything touches the real table: inside one short
 * transaction that is always rolled back, it parses each user fragment as a single-statement cursor (a
 * multi-statement payload fails with "cannot open multi-query plan as cursor"), creates an empty temporary copy of
 * the table ({@code LIKE}: same columns, types, collations) and builds the candidate index on it. Unknown columns,
 * non-IMMUTABLE functions, bad opclasses or storage parameters fail here, in milliseconds, with the server's own
 * message. The candidate's catalog shape is then compared with an existing index of the same name
 * ({@link #differences}, which builds both once more when their expressions or predicates print differently).
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
            return Catalog.shape(c, oid).withDefinition(definitionAs(c, oid, CANDIDATE, SCRATCH_TABLE, d.name(),
                    d.schema(), d.table()));
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
        String diff = differences(c, actual, wanted);
        String ts = Catalog.tablespace(c, existing.oid());
        if (!Objects.equals(ts, d.tablespace())) {
            diff = diff + (diff.isEmpty() ? "" : "; ") + "tablespace: existing " + (ts == null ? "default" : ts)
                    + ", wanted " + (d.tablespace() == null ? "default" : d.tablespace());
        }
        if (diff.isEmpty()) {
            return null;
        }
        return diff + ". Existing: " + actual.definition() + "; wanted: " + wanted.definition()
                + (d.tablespace() == null ? "" : " TABLESPACE " + d.tablespace());
    }

    /**
     * What differs between two indexes of one table, as {@link IndexShape#differences} names it; empty when they
     * are the same index. PostgreSQL does not always print an expression or a predicate as text that parses back
     * into the same tree: an IN list on a varchar column is printed {@code (code)::text = ANY ((ARRAY['a'::character
     * varying])::text[])}, and that text parses into {@code ARRAY[('a'::character varying)::text]}. So a spec
     * copied from the catalog, or an index read back from a scratch build, can be one print away from the other
     * side. When expressions or predicate differ, both definitions are built once more on an empty temporary copy
     * of the table, in a savepoint that is rolled back, and the rebuilt shapes are compared: one more parse and
     * print is a fixed point (PrintedDefinitionRoundTripTest pins it). Only a difference costs these builds.
     */
    public static String differences(Connection c, IndexShape actual, IndexShape wanted) throws SQLException {
        String diff = actual.differences(wanted);
        if (diff.isEmpty() || (Objects.equals(actual.expressions(), wanted.expressions())
                && Objects.equals(actual.predicate(), wanted.predicate()))) {
            return diff;
        }
        List<IndexShape> again;
        try {
            again = rebuilt(c, actual.definition(), wanted.definition());
        } catch (SQLException e) {
            if (SqlErrors.classify(e).isTransient()) {
                throw e;
            }
            return diff; // a printed definition that does not build again: compared as printed, as before
        }
        String settled = again.get(0).differences(again.get(1));
        if (settled.isEmpty()) {
            return settled;
        }
        // what still differs, in the text both sides were first printed in
        String shown = actual.differences(wanted.withPrinted(
                Objects.equals(again.get(0).expressions(), again.get(1).expressions()) ? actual.expressions()
                        : wanted.expressions(),
                Objects.equals(again.get(0).predicate(), again.get(1).predicate()) ? actual.predicate()
                        : wanted.predicate()));
        return shown.isEmpty() ? settled : shown;
    }

    /**
     * The shapes of the indexes the definitions describe, each built on an empty temporary copy of its table by
     * {@link ScratchIndex} (which has one table name, so each build is rolled back to a savepoint before the next);
     * in autocommit a transaction is opened for them and rolled back.
     */
    private static List<IndexShape> rebuilt(Connection c, String... definitions) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<IndexShape> shapes = new ArrayList<>();
            for (String definition : definitions) {
                ScratchIndex.Head head = head(definition);
                Savepoint before = c.setSavepoint();
                try {
                    shapes.add(Catalog.shape(c, ScratchIndex.build(c, head).oid()));
                } finally {
                    c.rollback(before);
                    c.releaseSavepoint(before);
                }
            }
            return shapes;
        } finally {
            if (auto) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private static ScratchIndex.Head head(String definition) throws SQLException {
        try {
            List<SqlScript.Statement> statements = SqlScript.split(definition);
            if (statements.size() != 1) {
                throw new SQLException("not one statement: " + definition, "42601");
            }
            return ScratchIndex.head(statements.get(0));
        } catch (SqlScript.SyntaxException | ScratchIndex.NotAnIndexException e) {
            throw new SQLException(e.getMessage() + ": " + definition, "42601", e);
        }
    }

    /**
     * A scratch index's pg_get_indexdef with the scratch names replaced by the real ones, so it reads exactly like
     * the real index's definition would if it were the same.
     */
    static String definitionAs(Connection c, long scratchOid, String scratchIndex, String scratchTable, String name,
            String schema, String table) throws SQLException {
        String sql = "SELECT regexp_replace(pg_catalog.pg_get_indexdef(?::oid), "
                + "'^(CREATE (UNIQUE )?INDEX )" + scratchIndex + " ON (ONLY )?(pg_temp(_[0-9]+)?\\.)?" + scratchTable
                + " ', "
                + "'\\1' || quote_ident(?) || ' ON \\3' || quote_ident(?) || '.' || quote_ident(?) || ' ')";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, scratchOid);
            ps.setString(2, name);
            ps.setString(3, schema);
            ps.setString(4, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
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
