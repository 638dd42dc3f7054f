package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pgindex.operator.api.v1alpha1.ForeignKeyMatch;
import dev.pgindex.operator.api.v1alpha1.ForeignKeySpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import dev.pgindex.operator.api.v1alpha1.ReferentialAction;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.ConstraintDefinition;
import dev.pgindex.operator.spec.ParsedConstraint;
import dev.pgindex.operator.spec.Windows;
import dev.pgindex.operator.support.ConstraintHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl pgindex import of foreign keys and CHECK constraints on real PostgreSQL (src/test/resources/cli/
 * constraints.sql): each PostgresConstraint manifest reads back into the API type, its spec parses into the clause
 * PostgreSQL prints as the original constraint, and the real engine adopts it without adding anything.
 */
class ConstraintImportTest {
    static final List<String> IMPORTED = List.of("events_customer_id_fkey", "events_id_check", "invoices_customer_region_fk",
            "invoices_order_fk", "invoices_total_check", "orders_amount_check", "orders_customer_fk",
            "orders_status_check", "positive", "positive");
    final ConnectionInfo db = PluginRun.databaseWith("constraints.sql");

    @Test
    void shouldWriteAConstraintManifestPerForeignKeyAndCheckThatReadsBackIntoTheApiType() throws Exception {
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-n", "shop");
        assertThat(run.code()).as(run.err()).isZero();
        Map<String, PostgresConstraint> byName = constraints(run.out());
        assertThat(byName.values()).extracting(k -> k.getSpec().getName())
                .containsExactlyInAnyOrderElementsOf(IMPORTED);

        ForeignKeySpec cascade = byName.get("orders-customer-fk").getSpec().getForeignKey();
        assertThat(cascade.getColumns()).containsExactly("customer_id");
        assertThat(cascade.getReferences().getTable()).isEqualTo("customers");
        assertThat(cascade.getReferences().getColumns()).containsExactly("id");
        assertThat(cascade.getOnDelete()).isEqualTo(ReferentialAction.CASCADE);
        assertThat(cascade.getOnUpdate()).isEqualTo(ReferentialAction.NO_ACTION);
        assertThat(cascade.getIndex()).as("the imported index that leads with customer_id").isEqualTo("orders-customer-idx");

        ForeignKeySpec deferred = byName.get("invoices-order-fk").getSpec().getForeignKey();
        assertThat(deferred.getOnUpdate()).isEqualTo(ReferentialAction.RESTRICT);
        assertThat(deferred.getDeferrable()).isTrue();
        assertThat(deferred.getInitiallyDeferred()).isTrue();
        assertThat(deferred.getIndex()).as("no index leads with order_id").isNull();

        ForeignKeySpec full = byName.get("invoices-customer-region-fk").getSpec().getForeignKey();
        assertThat(full.getColumns()).containsExactly("customer_id", "region");
        assertThat(full.getReferences().getColumns()).containsExactly("id", "region");
        assertThat(full.getMatch()).isEqualTo(ForeignKeyMatch.FULL);
        assertThat(full.getOnDelete()).isEqualTo(ReferentialAction.SET_NULL);
        assertThat(byName.get("events-customer-id-fkey").getSpec().getForeignKey().getIndex())
                .isEqualTo("events-customer-idx");

        PostgresConstraint check = byName.get("invoices-total-check");
        assertThat(check.getSpec().getCheck().getExpression()).isEqualTo("(total > (0)::numeric) AND (total < "
                + "(1000000)::numeric)");
        assertThat(byName.get("orders-amount-check").getSpec().getCheck().getExpression())
                .isEqualTo("amount >= (0)::numeric");
        assertThat(byName.get("orders-status-check").getSpec().getCheck().getExpression())
                .isEqualTo("status = ANY (ARRAY['open'::text, 'done'::text])");
        assertThat(check.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(check.getSpec().getConnection().getSecretName()).isEqualTo("db-app");
        assertThat(check.getMetadata().getAnnotations().get(Manifests.SOURCE_ANNOTATION)).isEqualTo("public.invoices "
                + "constraint invoices_total_check: CHECK (((total > (0)::numeric) AND (total < (1000000)::numeric))) "
                + "NOT VALID");
        assertThat(byName.keySet()).filteredOn(n -> n.startsWith("billing.positive-")).hasSize(2)
                .allMatch(n -> n.matches("billing\\.positive-[0-9a-f]{6}"));
        // only what differs from the CRD's defaults is written
        assertThat(run.out()).doesNotContain("reclaimPolicy", "recheckInterval", "lockRetries", "onDelete: NoAction",
                "match: Simple");
    }

    @Test
    void shouldParseEachSpecIntoTheClauseOfTheOriginalConstraint() throws Exception {
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app");
        try (Connection c = TestPostgres.connect(db)) {
            int version = Integer.parseInt(scalar(db, "SHOW server_version_num"));
            for (PostgresConstraint k : constraints(run.out()).values()) {
                ConstraintDefinition d = ParsedConstraint.of(k.getSpec(), Windows.NONE).definition();
                String original = scalar(db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '"
                        + d.name() + "' AND conrelid = '" + d.qualifiedTable().replace("'", "''") + "'::regclass");
                // the clause added beside the original, in a transaction that is rolled back, prints the same
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + d.qualifiedTable() + " ADD CONSTRAINT round_trip " + d.clause(version));
                    try (ResultSet rs = s.executeQuery("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                            + "conname = 'round_trip' AND conparentid = 0")) {
                        rs.next();
                        assertThat(rs.getString(1)).as(d.displayName()).isEqualTo(original.replace(" NOT VALID", ""));
                    }
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        }
    }

    @Test
    void shouldHaveEachManifestAdoptedByTheEngineWhichValidatesTheNotValidOnes() throws Exception {
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app");
        String oidsBefore = scalar(db, "SELECT string_agg(conname || '=' || oid, ',' ORDER BY oid) FROM pg_constraint");
        for (PostgresConstraint k : constraints(run.out()).values()) {
            try (ConstraintHarness h = new ConstraintHarness(k.getMetadata().getName(), db, k.getSpec())) {
                h.namedIndexReady = true; // the PostgresIndex it names is adopted at once (ImportTest)
                h.reconcileUntil(ConstraintHarness.ready(), Duration.ofSeconds(30));
                assertThat(h.reasons()).as(k.getSpec().getName()).contains("Ready/" + Reason.Adopted.name());
            }
        }
        assertThat(scalar(db, "SELECT string_agg(conname || '=' || oid, ',' ORDER BY oid) FROM pg_constraint"))
                .as("nothing added or dropped").isEqualTo(oidsBefore);
        assertThat(scalar(db, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE NOT "
                + "convalidated")).as("only the one the API cannot declare is left NOT VALID")
                .isEqualTo("orders_dollar_check");
    }

    @Test
    void shouldListWhatItCannotDeclareAndCountConstraintsApart() {
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app");
        assertThat(run.out()).contains("#   public.orders constraint orders_id_check: it is NO INHERIT, which the API "
                + "cannot express", "#   public.orders constraint orders_dollar_check: check.expression may not "
                + "contain '$'", "#   public.Weird-Table constraint weird_x_check: table 'Weird-Table' contains '-'",
                "# 2 inherited constraint(s) covered by their parent table's manifest");
        assertThat(run.err()).contains("8 imported, 0 not imported, 1 covered by a partitioned index; constraints: "
                + "10 imported, 3 not imported");

        PluginRun table = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "table",
                "--table", "orders");
        assertThat(table.out()).contains("RESOURCE", "NAME", "RESULT")
                .containsPattern("orders-customer-fk +public.orders_customer_fk +orders +imported \\(foreign key, index "
                        + "orders-customer-idx\\)")
                .containsPattern("- +public.orders_id_check +orders +not imported: it is NO INHERIT")
                .doesNotContain("invoices");
        PluginRun notValid = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "table",
                "--name", "invoices_total_check");
        assertThat(notValid.out()).contains("imported (check, NOT VALID: the operator validates it)")
                .doesNotContain("invoices_pkey");

        PluginRun indexesOnly = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "json",
                "--indexes-only");
        assertThat(indexesOnly.items()).extracting(i -> i.get("kind").asText()).containsOnly("PostgresIndex")
                .hasSize(8);
        assertThat(indexesOnly.err()).contains("8 imported, 0 not imported, 1 covered by a partitioned index")
                .doesNotContain("constraints:");
    }

    @Test
    void shouldLeaveOutConstraintsAlreadyManaged() {
        exec(db, "COMMENT ON CONSTRAINT orders_amount_check ON orders IS 'pgindex-operator owner=1 "
                + "resource=shop/amount spec=abc adopted=true'");
        PluginRun run = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app", "-o", "table",
                "--name", "orders_amount_check");
        assertThat(run.out()).contains("not imported: already managed by PostgresConstraint shop/amount");
        assertThat(run.out()).doesNotContain("imported (check");
    }

    @Test
    void shouldTakeTheExpressionOutOfCheckAndOnlyTheParenthesesAroundAllOfIt() {
        assertThat(ConstraintManifests.checkExpression("CHECK ((amount >= 0)) NOT VALID")).isEqualTo("amount >= 0");
        assertThat(ConstraintManifests.checkExpression("CHECK ((a > 0) OR (b > 0))")).isEqualTo("(a > 0) OR (b > 0)");
        assertThat(ConstraintManifests.checkExpression("CHECK (is_ok(x))")).isEqualTo("is_ok(x)");
        assertThat(ConstraintManifests.checkExpression("CHECK ((s <> ')'::text))")).isEqualTo("s <> ')'::text");
        assertThat(ConstraintManifests.checkExpression("CHECK (((s)::text <> '('::text))"))
                .isEqualTo("(s)::text <> '('::text");
    }

    /** The PostgresConstraint documents of a multi-document YAML, by metadata.name, read as the API type. */
    static Map<String, PostgresConstraint> constraints(String yaml) throws Exception {
        Map<String, PostgresConstraint> out = new LinkedHashMap<>();
        for (JsonNode doc : new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).<JsonNode>readValues(yaml)
                .readAll()) {
            if (doc != null && "PostgresConstraint".equals(doc.path("kind").asText())) {
                assertThat(doc.get("apiVersion").asText()).isEqualTo("pgindex.dev/v1alpha1");
                PostgresConstraint k = PluginRun.SERIALIZATION.convertValue(doc, PostgresConstraint.class);
                out.put(k.getMetadata().getName(), k);
            }
        }
        return out;
    }
}
