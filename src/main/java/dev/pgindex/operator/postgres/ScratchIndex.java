package dev.pgindex.operator.postgres;

import org.postgresql.core.Parser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Lets PostgreSQL parse a user's CREATE INDEX statement (from a migration file) without it ever touching a real
 * table: the statement's head is read from its tokens (CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name
 * ON [ONLY] table), the table name is resolved by the server (to_regclass), and the statement is sent again with
 * its own head replaced by one that targets an empty temporary copy of that table (LIKE: same columns, types,
 * collations) and a scratch name; everything after the table name is the user's text, parsed and normalised by
 * PostgreSQL. pgjdbc's own parser must also see exactly one statement. The transaction is always rolled back by
 * the caller ({@link IndexInspector#candidate} does so after the comparison; {@link IndexInspector#differences}
 * builds printed definitions again here, each rolled back to a savepoint).
 */
public final class ScratchIndex {
    static final String TABLE = "pgindex_sql_table";
    static final String INDEX = "pgindex_sql_index";

    private ScratchIndex() {
    }

    /** The head of a CREATE INDEX statement, and where the user's text after the table name starts. */
    public record Head(boolean unique, boolean concurrently, boolean ifNotExists, String name, boolean only,
            String table, String tail) {
    }

    /** The statement is not a CREATE INDEX this tool can translate; the message says why. */
    public static final class NotAnIndexException extends Exception {
        public NotAnIndexException(String message) {
            super(message);
        }
    }

    public static Head head(SqlScript.Statement s) throws NotAnIndexException {
        List<SqlScript.Token> t = s.tokens();
        int k = 0;
        if (t.isEmpty() || !t.get(k).isWord("create")) {
            throw new NotAnIndexException("not a CREATE INDEX statement");
        }
        k++;
        boolean unique = k < t.size() && t.get(k).isWord("unique");
        k += unique ? 1 : 0;
        if (k >= t.size() || !t.get(k).isWord("index")) {
            throw new NotAnIndexException("not a CREATE INDEX statement");
        }
        k++;
        boolean concurrently = k < t.size() && t.get(k).isWord("concurrently");
        k += concurrently ? 1 : 0;
        boolean ifNotExists = k + 2 < t.size() && t.get(k).isWord("if") && t.get(k + 1).isWord("not")
                && t.get(k + 2).isWord("exists");
        k += ifNotExists ? 3 : 0;
        if (k >= t.size() || t.get(k).isWord("on")) {
            throw new NotAnIndexException("the index has no name: PostgreSQL would invent one, and a PostgresIndex "
                    + "needs it (add a name after CREATE INDEX)");
        }
        SqlScript.Token name = t.get(k++);
        if (name.kind() != SqlScript.Kind.WORD && name.kind() != SqlScript.Kind.QUOTED_IDENTIFIER) {
            throw new NotAnIndexException("expected the index name after CREATE INDEX");
        }
        if (k >= t.size() || !t.get(k).isWord("on")) {
            throw new NotAnIndexException("expected ON table after the index name");
        }
        k++;
        boolean only = k < t.size() && t.get(k).isWord("only");
        k += only ? 1 : 0;
        int tableStart = k;
        k = identifier(t, k);
        while (k + 1 < t.size() && t.get(k).kind() == SqlScript.Kind.PUNCT && t.get(k).value().equals(".")) {
            k = identifier(t, k + 1);
        }
        if (k >= t.size() || !(t.get(k).isWord("using") || t.get(k).value().equals("("))) {
            throw new NotAnIndexException("expected USING method or ( columns ) after the table name");
        }
        String text = s.text();
        int base = s.offset();
        String table = text.substring(t.get(tableStart).start() - base, t.get(k - 1).end() - base);
        String tail = text.substring(t.get(k).start() - base);
        return new Head(unique, concurrently, ifNotExists, name.value(), only, table, tail);
    }

    private static int identifier(List<SqlScript.Token> t, int k) throws NotAnIndexException {
        if (k >= t.size() || (t.get(k).kind() != SqlScript.Kind.WORD
                && t.get(k).kind() != SqlScript.Kind.QUOTED_IDENTIFIER)) {
            throw new NotAnIndexException("expected a table name after ON");
        }
        return k + 1;
    }

    /** The index built on the scratch copy, and the real table it stands for. */
    public record Built(long oid, String schema, String table) {
    }

    /**
     * The built index's shape, its definition printed as the statement's own index on the real table (so it can be
     * built again after this transaction is rolled back, and reads like the user's index in a message).
     */
    public static IndexShape shape(Connection c, Built b, Head h) throws SQLException {
        return Catalog.shape(c, b.oid()).withDefinition(IndexInspector.definitionAs(c, b.oid(), INDEX, TABLE,
                h.name(), b.schema(), b.table()));
    }

    /**
     * Builds the statement's index on an empty temporary copy of its table, inside the caller's open transaction
     * (autocommit off). Throws the server's error when PostgreSQL refuses the statement.
     */
    public static Built build(Connection c, Head h) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("ScratchIndex.build needs a transaction that the caller rolls back");
        }
        String schema;
        String table;
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, h.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("relation " + h.table() + " does not exist (the table must exist in the "
                            + "database; search_path applies to unqualified names)", "42P01");
                }
                if ("rpm".indexOf(rs.getString(3).charAt(0)) < 0) {
                    throw new SQLException(h.table() + " is not a table or materialized view", "42809");
                }
                schema = rs.getString(1);
                table = rs.getString(2);
            }
        }
        String sql = "CREATE " + (h.unique() ? "UNIQUE " : "") + "INDEX " + Quoting.ident(INDEX) + " ON pg_temp."
                + Quoting.ident(TABLE) + " " + h.tail();
        if (Parser.parseJdbcSql(sql, true, false, true, false, false).size() != 1) {
            throw new SQLException("the statement does not read as one statement to the driver", "42601");
        }
        try (Statement s = c.createStatement()) {
            s.execute(Timeouts.lockTimeout(true, Timeouts.CANDIDATE_LOCK));
            s.execute("SET LOCAL statement_timeout = '30s'");
            s.execute("CREATE TEMP TABLE " + Quoting.ident(TABLE) + " (LIKE " + Quoting.qualified(schema, table) + ")");
            s.execute(sql);
            try (ResultSet rs = s.executeQuery("SELECT 'pg_temp." + INDEX + "'::regclass::oid")) {
                rs.next();
                return new Built(rs.getLong(1), schema, table);
            }
        }
    }
}
