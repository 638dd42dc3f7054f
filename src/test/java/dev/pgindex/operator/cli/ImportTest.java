package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl pgindex import on a real PostgreSQL holding every shape the API expresses (src/test/resources/cli/
 * every-shape.sql): each manifest, run through the real engine, ends Ready as Adopted with the index untouched.
 */
class ImportTest {
    ConnectionInfo db;
    static final List<String> EXPRESSIBLE = List.of("orders_pkey", "orders_external_ref_key", "orders_lower_email_idx",
            "orders_open_idx", "orders_code_in_idx", "orders_customer_cover_idx", "orders_code_pattern_idx",
            "orders_status_c_idx", "orders_email_nnd_idx", "orders_code_hash_idx", "orders_payload_gin_idx",
            "orders_tags_gin_idx", "orders_loc_gist_idx", "orders_loc_spgist_idx", "orders_created_brin_idx",
            "orders_created_desc_idx", "Orders_ByStatus", "events_kind_at_idx", "invoices_pkey", "invoices_due_idx",
            "order_totals_customer_idx");

    @BeforeEach
    void database() {
        db = TestPostgres.newDatabase();
        exec(db, PluginRun.fixture("every-shape.sql"));
    }

    @Test
    void shouldWriteAManifestPerExpressibleIndexThatTheEngineAdoptsWithoutTouchingIt() throws Exception {
        Map<String, String> oidsBefore = oids();
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json");
        assertThat(run.code()).as(run.err()).isZero();

        List<JsonNode> items = run.items();
        TreeSet<String> names = new TreeSet<>();
        items.forEach(i -> names.add(i.at("/spec/name").asText()));
        assertThat(names).containsExactlyInAnyOrderElementsOf(EXPRESSIBLE);

        for (JsonNode item : items) {
            PostgresIndexSpec spec = PluginRun.spec(item);
            try (EngineHarness h = new EngineHarness(item.at("/metadata/name").asText(), db, spec)) {
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY)
                        || Conditions.isTrue(s, ConditionType.STALLED), Duration.ofSeconds(30));
                assertThat(Conditions.get(h.status, ConditionType.READY).orElseThrow().getReason())
                        .as(spec.getName() + ": " + Conditions.get(h.status, ConditionType.READY).orElseThrow()
                                .getMessage()).isEqualTo(Reason.Adopted.name());
                assertThat(h.status.getAttempts()).as(spec.getName()).isNull();
            }
        }
        assertThat(oids()).as("no index was rebuilt").isEqualTo(oidsBefore);
    }

    @Test
    void shouldListWhatTheApiCannotExpressWithTheReason() {
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("#   public.bookings_during_excl: it backs the exclusion constraint "
                + "bookings_during_excl, which the API cannot express");
        assertThat(run.out()).contains("#   public.orders_doc_siglen_idx: key column 1 has operator class parameters");
        assertThat(run.out()).contains("#   public.slots_pos_key: it backs the DEFERRABLE constraint slots_pos_key");
        // the reason names the field, the name, the first character refused and the API's rule
        String rule = ", which the API's identifier rule (ASCII letters, digits, '_' and '$', not starting with a "
                + "digit or '$') does not accept";
        assertThat(run.out()).contains("#   public.weird_x_idx: table 'Weird-Table' contains '-'" + rule);
        assertThat(run.out()).contains("#   public.people_user_id_idx: columns[0].name 'user id' contains a space"
                + rule);
        assertThat(run.out()).contains("# 2 partition index(es) covered by their partitioned index's manifest");
        assertThat(run.err()).contains("21 imported, 5 not imported, 2 covered by a partitioned index");
    }

    @Test
    void shouldDeclareTheConstraintAndNameResourcesDeterministically() {
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-n", "shop",
                "-o", "json");
        Map<String, JsonNode> byIndex = new HashMap<>();
        run.items().forEach(i -> byIndex.put(i.at("/spec/name").asText(), i));
        assertThat(PluginRun.spec(byIndex.get("orders_pkey")).getConstraint().getType())
                .isEqualTo(ConstraintType.PrimaryKey);
        assertThat(PluginRun.spec(byIndex.get("orders_external_ref_key")).getConstraint().getType())
                .isEqualTo(ConstraintType.Unique);
        assertThat(byIndex.get("orders_lower_email_idx").at("/metadata/name").asText())
                .isEqualTo("orders-lower-email-idx");
        assertThat(byIndex.get("orders_lower_email_idx").at("/metadata/namespace").asText()).isEqualTo("shop");
        assertThat(byIndex.get("invoices_due_idx").at("/metadata/name").asText()).isEqualTo("billing.invoices-due-idx");
        assertThat(byIndex.get("Orders_ByStatus").at("/metadata/name").asText()).matches("orders-bystatus-[0-9a-f]{6}");
        assertThat(byIndex.get("orders_lower_email_idx").at("/spec/columns/0/expression").asText())
                .isEqualTo("lower(email)");
        assertThat(byIndex.get("events_kind_at_idx").at("/spec/table").asText()).isEqualTo("events");
        assertThat(byIndex.get("orders_pkey").has("status")).isFalse();
    }

    @Test
    void shouldWriteYamlThatReadsBackAsTheJsonManifests() throws Exception {
        PluginRun yaml = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app");
        PluginRun json = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json");
        List<JsonNode> fromYaml = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readerFor(JsonNode.class)
                .<JsonNode>readValues(yaml.out()).readAll();
        assertThat(fromYaml).containsExactlyElementsOf(json.items());
        // numbers and booleans the API wants as strings stay strings
        assertThat(yaml.out()).contains("fillfactor: \"70\"", "fastupdate: \"off\"", "kind: PostgresIndex");
    }

    @Test
    void shouldFilterBySchemaTableAndName() {
        PluginRun billing = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                "--schema", "billing");
        assertThat(billing.items()).extracting(i -> i.at("/spec/name").asText())
                .containsExactlyInAnyOrder("invoices_pkey", "invoices_due_idx");
        PluginRun gin = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                "--table", "public.orders", "--name", "orders_*_gin_idx", "--no-constraints");
        assertThat(gin.items()).extracting(i -> i.at("/spec/name").asText())
                .containsExactlyInAnyOrder("orders_payload_gin_idx", "orders_tags_gin_idx");
    }

    @Test
    void shouldAdoptAPartitionedPrimaryKeyWithoutDeclaringTheConstraint() throws Exception {
        exec(db, "CREATE TABLE measurements (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO measurements SELECT g, date '2026-01-01' + g % 300 FROM generate_series(1, 1000) g");
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                "--table", "measurements*");
        assertThat(run.items()).extracting(i -> i.at("/spec/name").asText()).containsExactly("measurements_pkey");
        assertThat(run.err()).contains("1 imported, 0 not imported, 1 covered by a partitioned index");
        PostgresIndexSpec spec = PluginRun.spec(run.items().get(0));
        assertThat(spec.getConstraint()).as("PostgreSQL cannot add a constraint USING INDEX on a partitioned table")
                .isNull();
        assertThat(spec.getUnique()).isTrue();
        try (EngineHarness h = new EngineHarness("measurements-pkey", db, spec)) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) || Conditions.isTrue(s, ConditionType.STALLED),
                    Duration.ofSeconds(30));
            assertThat(Conditions.get(h.status, ConditionType.READY).orElseThrow().getReason())
                    .isEqualTo(Reason.Adopted.name());
        }
        PluginRun without = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "table",
                "--table", "orders", "--no-constraints");
        assertThat(without.out()).contains("public.orders_pkey", "not imported: backs constraint orders_pkey "
                + "(--no-constraints)").doesNotContain("imported (constraint");
    }

    @Test
    void shouldExitWithTheDocumentedCodes() {
        assertThat(PluginRun.of("import", "--dsn", PluginRun.dsn(db)).code()).isEqualTo(Main.USAGE);
        assertThat(PluginRun.of("import", "--bogus").code()).isEqualTo(Main.USAGE);
        PluginRun refused = PluginRun.of("import", "--secret", "db-app", "--dsn",
                "postgresql://nobody:x@127.0.0.1:1/none?sslmode=disable");
        assertThat(refused.code()).isEqualTo(Main.CONNECTION);
        assertThat(refused.err()).contains("cannot connect");
    }

    private Map<String, String> oids() {
        Map<String, String> m = new HashMap<>();
        for (List<String> row : query(db, "SELECT c.relname, c.oid::text FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relkind IN ('i', 'I') AND n.nspname IN ('public', 'billing')")) {
            m.put(row.get(0), row.get(1));
        }
        return m;
    }
}
