package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.IndexCatalog;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.IndexInspector;
import dev.pgindex.operator.postgres.IndexShape;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.ScratchIndex;
import dev.pgindex.operator.postgres.SqlScript;
import dev.pgindex.operator.spec.Specs;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * CREATE INDEX statements to PostgresIndex manifests, with PostgreSQL as the parser: each statement is split out
 * with PostgreSQL's lexical rules ({@link SqlScript}), built on an empty temporary copy of its table
 * ({@link ScratchIndex}) in a transaction that is always rolled back, read back with import's code, and the spec
 * is proven to build the same index (the operator's own candidate, compared shape by shape). Any other statement
 * is never sent to the server.
 */
final class FromSql {
    private static final Set<String> TRANSACTION_CONTROL = Set.of("begin", "commit", "end", "start", "rollback");

    /** What became of one statement: a manifest, ignored (transaction control or --skip-other), or rejected. */
    record Outcome(SqlScript.Statement statement, int number, PostgresIndex manifest, String ignored,
            String rejected) {
    }

    private FromSql() {
    }

    static List<Outcome> run(Connection c, List<SqlScript.Statement> statements, boolean skipOther, String secret,
            String namespace) throws SQLException {
        List<Outcome> out = new ArrayList<>();
        int number = 0;
        for (SqlScript.Statement s : statements) {
            number++;
            SqlScript.Token first = s.tokens().get(0);
            if (first.kind() == SqlScript.Kind.WORD && TRANSACTION_CONTROL.contains(first.value())) {
                out.add(new Outcome(s, number, null, "transaction control", null));
                continue;
            }
            ScratchIndex.Head head;
            try {
                head = ScratchIndex.head(s);
            } catch (ScratchIndex.NotAnIndexException e) {
                boolean indexStatement = s.tokens().size() > 1 && first.isWord("create")
                        && (s.tokens().get(1).isWord("index") || s.tokens().get(1).isWord("unique"));
                if (skipOther && !indexStatement) {
                    out.add(new Outcome(s, number, null, "not a CREATE INDEX (--skip-other)", null));
                } else {
                    out.add(new Outcome(s, number, null, null, indexStatement ? e.getMessage()
                            : "not a CREATE INDEX statement; from-sql translates only CREATE [UNIQUE] INDEX "
                                    + "[CONCURRENTLY] [IF NOT EXISTS] name ON table ... (nothing was run)"));
                }
                continue;
            }
            try {
                out.add(new Outcome(s, number, translate(c, s, head, secret, namespace), null, null));
            } catch (SQLException e) {
                out.add(new Outcome(s, number, null, null, "PostgreSQL refused it: " + e.getMessage()));
            } catch (IndexCatalog.Unsupported | InvalidDefinitionException e) {
                out.add(new Outcome(s, number, null, null, "the API cannot express it: " + e.getMessage()));
            }
        }
        return out;
    }

    private static PostgresIndex translate(Connection c, SqlScript.Statement s, ScratchIndex.Head head, String secret,
            String namespace) throws SQLException, IndexCatalog.Unsupported {
        String differences = null;
        for (boolean explicit : new boolean[] {false, true}) {
            c.setAutoCommit(false);
            try {
                ScratchIndex.Built built = ScratchIndex.build(c, head);
                IndexDefinition d = IndexCatalog.definition(c, built.oid(), built.schema(), built.table(), head.name(),
                        explicit);
                IndexShape actual = ScratchIndex.shape(c, built, head);
                String tablespace = Catalog.tablespace(c, built.oid());
                PostgresIndexSpec spec = Manifests.spec(d.validate(), secret, null);
                IndexShape wanted = IndexInspector.candidate(c, Specs.definition(spec));
                differences = IndexInspector.differences(c, actual, wanted);
                if (!Objects.equals(tablespace, d.tablespace())) {
                    differences += "; tablespace";
                }
                if (differences.isEmpty()) {
                    return Manifests.resource(Manifests.resourceName(built.schema(), head.name()), namespace, spec,
                            s.text().replaceAll("\\s+", " "));
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        throw new IndexCatalog.Unsupported("no spec builds the same index: " + differences);
    }
}
