package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/** kubectl pgindex audit on real PostgreSQL: each planted problem is found, a clean database reports nothing. */
class AuditTest {
    static final String CLEAN = """
            CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id),
              status text, created_at timestamptz);
            CREATE INDEX orders_customer_idx ON orders (customer_id, created_at);
            CREATE INDEX orders_status_idx ON orders (status) WHERE status = 'open';
            INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 100) g;
            INSERT INTO orders SELECT g, g % 100 + 1, CASE WHEN g % 5 = 0 THEN 'open' ELSE 'done' END,
              now() - g * interval '1 hour' FROM generate_series(1, 1000) g;
            """;

    @Test
    void shouldReportNothingOnACleanDatabase() {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, CLEAN);
        PluginRun run = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(Main.OK);
        assertThat(run.out()).startsWith("No findings.");
        PluginRun json = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "json",
                "--min-stats-age", "0");
        assertThat(json.code()).as(json.out() + json.err()).isEqualTo(Main.FINDINGS);
        // with no waiting for statistics, the never-scanned ones are the only findings
        assertThat(checks(json)).containsOnly("unused");
    }

    @Test
    void shouldFindEachPlantedProblem() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, CLEAN,
                "CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), n int)",
                "CREATE INDEX orders_created_idx ON orders (created_at)",
                "CREATE INDEX orders_created_copy ON orders (created_at)",
                "CREATE INDEX orders_state_idx ON orders (status)",
                "CREATE INDEX orders_state_created_idx ON orders (status, created_at)",
                "CREATE TABLE tags (name text)", "INSERT INTO tags VALUES ('a'), ('a')",
                "CREATE FUNCTION boom(i int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS "
                        + "$$ BEGIN IF current_setting('test.boom', true) = 'on' THEN RAISE 'boom'; END IF; "
                        + "RETURN i; END $$",
                "INSERT INTO invoices SELECT g, g % 100 + 1, g FROM generate_series(1, 10) g",
                "CREATE INDEX invoices_boom_idx ON invoices (boom(n))");
        assertThat(TestPostgres.execFails(db, "CREATE UNIQUE INDEX CONCURRENTLY tags_name_key ON tags (name)")).isTrue();
        assertThat(TestPostgres.execFails(db, "CREATE UNIQUE INDEX CONCURRENTLY tags_name_ours ON tags (name)")).isTrue();
        exec(db, "COMMENT ON INDEX tags_name_ours IS 'pgindex-operator owner=42 resource=shop/tags spec=abc adopted=false'");
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
            s.execute("SET test.boom = 'on'");
            s.execute("REINDEX INDEX CONCURRENTLY invoices_boom_idx");
            throw new AssertionError("the rebuild should have failed");
        } catch (SQLException expected) {
            // leaves invoices_boom_idx_ccnew behind, INVALID
        }
        assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname = 'invoices_boom_idx_ccnew'")).isEqualTo("1");

        PluginRun run = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "json",
                "--secret", "db-app");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(Main.FINDINGS);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        List<String> found = new ArrayList<>();
        doc.get("findings").forEach(f -> found.add(f.get("check").asText() + " " + f.get("index").asText()));
        assertThat(found).containsExactlyInAnyOrder(
                "invalid tags_name_key",
                "invalid tags_name_ours",
                "rebuild-leftover invoices_boom_idx_ccnew",
                "duplicate orders_created_copy",
                "redundant orders_state_idx",
                "unindexed-foreign-key invoices_customer_id_fk_idx");
        JsonNode fk = null;
        for (JsonNode f : doc.get("findings")) {
            if (f.get("check").asText().equals("unindexed-foreign-key")) {
                fk = f;
            }
        }
        assertThat(fk.at("/manifest/kind").asText()).isEqualTo("PostgresIndex");
        assertThat(fk.at("/manifest/metadata/name").asText()).isEqualTo("invoices-customer-id-fk-idx");
        assertThat(fk.at("/manifest/spec/table").asText()).isEqualTo("invoices");
        assertThat(fk.at("/manifest/spec/columns/0/name").asText()).isEqualTo("customer_id");
        assertThat(fk.at("/manifest/spec/connection/secretName").asText()).isEqualTo("db-app");
        assertThat(doc.get("notes").toString()).contains("unused indexes not judged");
        assertThat(finding(doc, "tags_name_key").get("detail").asText()).endsWith("not owned by the operator (it "
                + "never touches it)");
        assertThat(finding(doc, "tags_name_ours").get("detail").asText()).endsWith("owned by PostgresIndex shop/tags "
                + "(the operator drops and rebuilds it)");
        assertThat(finding(doc, "tags_name_ours").get("fix").asText()).isEqualTo("nothing: the operator rebuilds it");

        PluginRun table = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster");
        assertThat(table.out()).contains("CHECK", "duplicate", "public.orders_created_copy",
                "DROP INDEX CONCURRENTLY \"public\".\"orders_created_copy\"");
        PluginRun yaml = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "yaml",
                "--secret", "db-app");
        assertThat(yaml.out()).contains("kind: PostgresIndex", "name: invoices_customer_id_fk_idx");
    }

    @Test
    void shouldReadOnlyAndReportUnusedIndexesWithTheStatisticsAge() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, CLEAN);
        exec(db, "SET enable_seqscan = off", "SELECT count(*) FROM orders WHERE customer_id = 7");
        // statistics reach the shared counters when the session ends
        for (int i = 0; i < 100 && !"1".equals(scalar(db, "SELECT idx_scan FROM pg_stat_user_indexes "
                + "WHERE indexrelname = 'orders_customer_idx'")); i++) {
            Thread.sleep(100);
        }
        PluginRun run = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "json",
                "--min-stats-age", "0");
        JsonNode doc = new ObjectMapper().readTree(run.out());
        List<String> unused = new ArrayList<>();
        doc.get("findings").forEach(f -> unused.add(f.get("index").asText() + ": " + f.get("detail").asText()));
        assertThat(unused).hasSize(1);
        assertThat(unused.get(0)).startsWith("orders_status_idx: never scanned in ").contains("statistics since ");
    }

    @Test
    void shouldReportMarksWhoseResourceIsGoneOnlyWhenTheClusterCanTell() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, CLEAN, "COMMENT ON INDEX orders_customer_idx IS 'pgindex-operator owner=1111 resource=shop/gone "
                + "spec=abc adopted=true'", "COMMENT ON INDEX orders_status_idx IS 'pgindex-operator owner=2222 "
                + "resource=shop/here spec=abc adopted=false'");
        try (Connection c = TestPostgres.connect(db)) {
            Audit.Report withCluster = Audit.run(c, Duration.ofDays(7), "db-app", null,
                    (ns, notes) -> Optional.of(Map.of("shop/here", "2222")));
            assertThat(withCluster.findings()).extracting(f -> f.check() + " " + f.index() + ": " + f.detail())
                    .containsExactly("orphaned orders_customer_idx: marked as owned by PostgresIndex shop/gone, "
                            + "which no longer exists; adopted, never built by it");
            Audit.Report without = Audit.run(c, Duration.ofDays(7), "db-app", null, (ns, notes) -> Optional.empty());
            assertThat(without.findings()).isEmpty();
            assertThat(without.notes()).anyMatch(n -> n.contains("not checked against the cluster"));
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    private static JsonNode finding(JsonNode doc, String index) {
        for (JsonNode f : doc.get("findings")) {
            if (f.get("index").asText().equals(index)) {
                return f;
            }
        }
        throw new AssertionError("no finding for " + index + " in " + doc);
    }

    private static List<String> checks(PluginRun run) {
        try {
            List<String> out = new ArrayList<>();
            new ObjectMapper().readTree(run.out()).get("findings").forEach(f -> out.add(f.get("check").asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
