package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.query;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Definitions whose printed text PostgreSQL parses into another tree (issue 24): an IN list on a varchar column is
 * printed as {@code (code)::text = ANY ((ARRAY['a'::character varying, ...])::text[])}, and that text, parsed
 * again, is {@code ARRAY[('a'::character varying)::text, ...]}. Each row is a CREATE INDEX as a person or a
 * framework writes it, and each must survive the three ways the printed text comes back to the operator: import,
 * from-sql, and a spec copied from the catalog; rows that never changed on reprint guard the neighbours (casts,
 * BETWEEN, LIKE, COLLATE, date and interval literals, expressions).
 */
class PrintedDefinitionRoundTripTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TABLE = "CREATE TABLE \"Orders\" (id bigint PRIMARY KEY, code varchar(20), "
            + "status varchar(10), note text, grade char(3), amount numeric(10,2), created_at timestamp, due date)";
    static final String ROWS = "INSERT INTO \"Orders\" SELECT g, 'C' || lpad(g::text, 5, '0'), "
            + "(ARRAY['new', 'paid', 'void'])[1 + g % 3], 'n' || g, (ARRAY['A', 'B', 'C'])[1 + g % 3], g / 10.0, "
            + "timestamp '2024-01-01' + g * interval '1 hour', date '2024-01-01' + g % 60 "
            + "FROM generate_series(1, 2000) g";

    /** A CREATE INDEX as written, and whether PostgreSQL's print of it changes when parsed and printed again. */
    record Row(String name, String statement, boolean reprinted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Row> rows() {
        return List.of(
                row("orders_code_in_idx", "(created_at) WHERE code IN ('C00001', 'C00002')", true),
                new Row("orders_status_idx", "CREATE INDEX \"orders_status_idx\" ON \"Orders\" (\"created_at\") "
                        + "WHERE \"status\" IN ('new', 'paid')", true),
                row("orders_code_not_in_idx", "(created_at) WHERE code NOT IN ('C00001', 'C00002')", true),
                row("orders_code_c_in_idx", "(created_at) WHERE code COLLATE \"C\" IN ('C00001', 'C00002')", true),
                row("orders_status_in_expr_idx", "((status IN ('new', 'paid')))", true),
                row("orders_lower_code_paid_idx", "(lower(code::text)) WHERE status IN ('new', 'paid')", true),
                row("orders_code_any_idx", "(created_at) WHERE code = ANY (ARRAY['C00001', 'C00002'])", false),
                row("orders_code_any_literal_idx", "(created_at) WHERE code = ANY ('{C00001,C00002}'::varchar[])",
                        false),
                row("orders_code_text_in_idx", "(created_at) WHERE code::text IN ('C00001', 'C00002')", false),
                row("orders_note_in_idx", "(created_at) WHERE note IN ('n1', 'n2')", false),
                row("orders_grade_in_idx", "(created_at) WHERE grade IN ('A', 'B')", false),
                row("orders_amount_in_idx", "(created_at) WHERE amount IN (1, 2.5)", false),
                row("orders_due_in_idx", "(created_at) WHERE due IN ('2024-01-01', '2024-01-02')", false),
                row("orders_code_between_idx", "(created_at) WHERE code BETWEEN 'C00001' AND 'C00500'", false),
                row("orders_created_between_idx", "(code) WHERE created_at BETWEEN '2024-01-01' AND '2024-02-01'",
                        false),
                row("orders_code_like_idx", "(created_at) WHERE code LIKE 'C001%'", false),
                row("orders_status_distinct_idx", "(created_at) WHERE status IS DISTINCT FROM 'void'", false),
                row("orders_created_date_idx", "(code) WHERE created_at > '2024-01-01'::date", false),
                row("orders_created_interval_idx",
                        "(code) WHERE created_at > timestamp '2024-01-01' + interval '1 day'", false),
                row("orders_due_interval_idx", "(code) WHERE due > date '2024-01-01' - interval '1 day'", false),
                row("orders_code_c_idx", "(created_at) WHERE code COLLATE \"C\" > 'C01000'", false),
                row("orders_note_c_idx", "(created_at) WHERE note COLLATE \"C\" > 'n5'", false),
                row("orders_lower_code_idx", "(lower(code::text))", false),
                row("orders_code_x_idx", "((code || 'x'))", false));
    }

    static Row row(String name, String tail, boolean reprinted) {
        return new Row(name, "CREATE INDEX " + name + " ON \"Orders\" " + tail, reprinted);
    }

    @TempDir
    Path dir;

    static ConnectionInfo databaseWith(Row row) {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, TABLE, ROWS, row.statement());
        return db;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldImportTheIndexAndHaveTheEngineAdoptItWithoutABuild(Row row) throws Exception {
        ConnectionInfo db = databaseWith(row);
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                "--name", row.name());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).as(run.err()).contains("1 imported, 0 not imported");
        assertAdopted(db, row, PluginRun.spec(run.items().get(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldTranslateTheStatementAsWrittenIntoASpecForThatVeryIndex(Row row) throws Exception {
        ConnectionInfo db = databaseWith(row);
        PluginRun run = PluginRun.of("from-sql", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                FromSqlTest.file(dir, row.statement() + ";\n"));
        assertThat(run.code()).as(run.err()).isZero();
        List<JsonNode> items = run.items();
        assertThat(items).hasSize(1);
        // the index the statement built in the migration is the one the manifest describes
        assertAdopted(db, row, PluginRun.spec(items.get(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldAdoptTheIndexForASpecCopiedFromItsPrintedDefinition(Row row) throws Exception {
        ConnectionInfo db = databaseWith(row);
        assertAdopted(db, row, printedSpec(db, row.name()));
    }

    /**
     * PostgreSQL's own behaviour, pinned: printing, parsing and printing again reaches a fixed point after one more
     * round at most, and only the rows marked reprinted need that round. The comparison relies on it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldReachAFixedPointWhenThePrintedDefinitionIsParsedOnceMore(Row row) {
        ConnectionInfo db = databaseWith(row);
        List<String> prints = new ArrayList<>();
        prints.add(printed(db, row.name()));
        for (int round = 1; round <= 2; round++) {
            String again = row.name() + "_r" + round;
            String previous = round == 1 ? row.name() : row.name() + "_r" + (round - 1);
            exec(db, scalar(db, "SELECT replace(pg_get_indexdef('" + previous + "'::regclass), 'INDEX " + previous
                    + " ON', 'INDEX " + again + " ON')"));
            prints.add(printed(db, again));
        }
        assertThat(!prints.get(1).equals(prints.get(0))).as("changed on the first reprint: " + prints)
                .isEqualTo(row.reprinted());
        assertThat(prints.get(2)).as("a fixed point after one more round").isEqualTo(prints.get(1));
    }

    @Test
    void shouldStillRefuseAGenuinelyDifferentInList() throws Exception {
        Row row = rows().get(0);
        ConnectionInfo db = databaseWith(row);
        String oid = oid(db, row.name());
        for (String where : List.of("code IN ('C00001', 'C00003')",
                printedSpec(db, row.name()).getWhere().replace("C00002", "C00003"))) {
            PostgresIndexSpec spec = EngineHarness.spec("Orders", row.name(), "created_at");
            spec.setWhere(where);
            try (EngineHarness h = new EngineHarness("orders-code-in-idx", db, spec)) {
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY)
                        || Conditions.isTrue(s, ConditionType.STALLED), WAIT);
                String message = Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage();
                assertThat(reason(h.status, ConditionType.STALLED)).as(where + ": " + message)
                        .isEqualTo(Reason.DefinitionConflict.name());
                assertThat(message).as(where).contains("predicate: existing ((code)::text = ANY ((ARRAY['C00001'::"
                        + "character varying, 'C00002'::character varying])::text[]))",
                        "Existing: CREATE INDEX orders_code_in_idx ON public.\"Orders\" USING btree (created_at) "
                                + "WHERE ((code)::text = ANY ((ARRAY['C00001'::character varying, 'C00002'::character "
                                + "varying])::text[]))").doesNotContain("pgindex_");
            }
            assertThat(oid(db, row.name())).isEqualTo(oid);
        }
    }

    private static void assertAdopted(ConnectionInfo db, Row row, PostgresIndexSpec spec) throws Exception {
        String oid = oid(db, row.name());
        try (EngineHarness h = new EngineHarness(row.name().replace('_', '-'), db, spec)) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY)
                    || Conditions.isTrue(s, ConditionType.STALLED), WAIT);
            assertThat(Conditions.isTrue(h.status, ConditionType.READY)).as(row.statement() + " with where "
                    + spec.getWhere() + ": " + Conditions.get(h.status, ConditionType.STALLED)
                    .map(c -> c.getReason() + " " + c.getMessage()).orElse("")).isTrue();
            assertThat(reason(h.status, ConditionType.READY)).isEqualTo(Reason.Adopted.name());
            assertThat(h.status.getAttempts()).as("no build").isNull();
        }
        assertThat(oid(db, row.name())).as("no rebuild").isEqualTo(oid);
    }

    /** A spec with the index's columns and predicate as pg_get_indexdef prints them (not pretty-printed). */
    static PostgresIndexSpec printedSpec(ConnectionInfo db, String index) {
        PostgresIndexSpec spec = EngineHarness.spec("Orders", index);
        List<IndexColumn> columns = new ArrayList<>();
        for (List<String> col : query(db, "SELECT a.attname, pg_get_indexdef(i.indexrelid, k.ord::int, false) "
                + "FROM pg_index i CROSS JOIN unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) "
                + "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indexrelid = '" + index + "'::regclass ORDER BY k.ord")) {
            columns.add(col.get(0) != null ? IndexColumn.named(col.get(0)) : IndexColumn.expression(col.get(1)));
        }
        spec.setColumns(columns);
        spec.setWhere(scalar(db, "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = '" + index
                + "'::regclass"));
        return spec;
    }

    private static String printed(ConnectionInfo db, String index) {
        return scalar(db, "SELECT coalesce(pg_get_expr(indexprs, indrelid), '') || ' WHERE ' "
                + "|| coalesce(pg_get_expr(indpred, indrelid), '') FROM pg_index WHERE indexrelid = '" + index
                + "'::regclass");
    }

    private static String oid(ConnectionInfo db, String index) {
        return scalar(db, "SELECT '" + index + "'::regclass::oid");
    }

    private static String reason(PostgresIndexStatus s, String type) {
        return Conditions.get(s, type).orElseThrow().getReason();
    }
}
