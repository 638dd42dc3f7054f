package dev.pgindex.operator.postgres;

import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IndexInspector#differences} on real PostgreSQL: two indexes one print apart are the same index, a real
 * difference is still named in the text first printed, and the caller's transaction and autocommit survive the
 * extra builds.
 */
class IndexComparisonTest {
    ConnectionInfo db;

    @BeforeEach
    void indexes() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (code varchar(10), at timestamp)",
                "CREATE INDEX a ON t (at) WHERE code IN ('x', 'y')",
                "CREATE INDEX z ON t (at) WHERE code IN ('x', 'z')",
                "CREATE INDEX e ON t ((code IN ('x', 'y'))) WHERE code IN ('x', 'y')");
        exec(db, "CREATE INDEX a_printed ON t (at) WHERE " + printed("a", "indpred"),
                "CREATE INDEX e_printed ON t ((" + printed("e", "indexprs") + ")) WHERE "
                        + printed("e", "indpred").replace("'y'", "'z'"));
    }

    @Test
    void shouldFindNoDifferenceOnePrintApartAndLeaveTheConnectionAsItWas() throws Exception {
        try (Connection c = TestPostgres.connect(db)) {
            IndexShape a = shape(c, "a");
            IndexShape printed = shape(c, "a_printed");
            assertThat(a.differences(printed)).as("one print apart").startsWith("predicate: ");

            assertThat(IndexInspector.differences(c, a, printed)).isEmpty();
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(value(c, "SELECT to_regclass('pg_temp.pgindex_sql_table') IS NULL")).isEqualTo("t");

            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE callers_own (x int)");
            }
            assertThat(IndexInspector.differences(c, a, printed)).isEmpty();
            assertThat(c.getAutoCommit()).isFalse();
            assertThat(value(c, "SELECT to_regclass('pg_temp.callers_own') IS NOT NULL").equals("t")
                    && value(c, "SELECT to_regclass('pg_temp.pgindex_sql_table') IS NULL").equals("t"))
                    .as("the caller's transaction goes on, without the scratch table").isTrue();
            c.rollback();
        }
    }

    @Test
    void shouldNameOnlyWhatStillDiffersInTheTextFirstPrinted() throws Exception {
        try (Connection c = TestPostgres.connect(db)) {
            IndexShape a = shape(c, "a");
            assertThat(IndexInspector.differences(c, a, shape(c, "z"))).isEqualTo("predicate: existing "
                    + a.predicate() + ", wanted " + shape(c, "z").predicate());
            IndexShape e = shape(c, "e");
            IndexShape ePrinted = shape(c, "e_printed");
            assertThat(e.differences(ePrinted)).as("both print apart").contains("expressions: ", "predicate: ");
            assertThat(IndexInspector.differences(c, e, ePrinted)).as("the expressions are the same")
                    .isEqualTo("predicate: existing " + e.predicate() + ", wanted " + ePrinted.predicate());
        }
    }

    @Test
    void shouldCompareAsPrintedWhenADefinitionDoesNotBuildAgain() throws Exception {
        try (Connection c = TestPostgres.connect(db)) {
            IndexShape a = shape(c, "a");
            IndexShape gone = a.withDefinition(a.definition().replace("public.t ", "public.nothere "));
            IndexShape printed = shape(c, "a_printed");
            assertThat(IndexInspector.differences(c, gone, printed)).isEqualTo(a.differences(printed));
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(value(c, "SELECT 1")).isEqualTo("1");
        }
    }

    private String printed(String index, String column) {
        return scalar(db, "SELECT pg_get_expr(" + column + ", indrelid) FROM pg_index WHERE indexrelid = '" + index
                + "'::regclass");
    }

    private static IndexShape shape(Connection c, String index) throws SQLException {
        return Catalog.shape(c, Long.parseLong(value(c, "SELECT '" + index + "'::regclass::oid")));
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
