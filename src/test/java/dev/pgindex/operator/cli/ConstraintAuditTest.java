package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl pgindex audit on the constraints of src/test/resources/cli/constraints.sql: constraints left NOT VALID
 * (with who owns them and a PostgresConstraint manifest) and foreign keys without a supporting index.
 */
class ConstraintAuditTest {
    final ConnectionInfo db = PluginRun.databaseWith("constraints.sql");

    @Test
    void shouldReportEachNotValidConstraintAndEachUnindexedForeignKey() throws Exception {
        PluginRun run = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "json",
                "--secret", "db-app");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(Main.FINDINGS);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        List<String> found = new ArrayList<>();
        doc.get("findings").forEach(f -> found.add(f.get("check").asText() + " " + f.path("constraint").asText()
                + " " + f.path("index").asText()));
        assertThat(found).containsExactlyInAnyOrder(
                "unindexed-foreign-key invoices_customer_region_fk invoices_customer_id_region_fk_idx",
                "unindexed-foreign-key invoices_order_fk invoices_order_id_fk_idx",
                "not-valid-constraint invoices_customer_region_fk ",
                "not-valid-constraint invoices_total_check ",
                "not-valid-constraint orders_dollar_check ");

        JsonNode fk = finding(doc, ConstraintAudit.CHECK, "invoices_customer_region_fk");
        assertThat(fk.has("index")).isFalse();
        assertThat(fk.get("kind").asText()).isEqualTo("foreign key");
        assertThat(fk.get("definition").asText()).isEqualTo("FOREIGN KEY (customer_id, region) REFERENCES "
                + "customers(id, region) MATCH FULL ON DELETE SET NULL NOT VALID");
        assertThat(fk.get("owner").isNull()).isTrue();
        assertThat(fk.get("detail").asText()).startsWith("foreign key left NOT VALID, FOREIGN KEY (customer_id, "
                + "region)").endsWith("the rows already there were never checked; not owned by a PostgresConstraint");
        assertThat(fk.get("fix").asText()).startsWith("declare it as a PostgresConstraint (kubectl pgindex audit "
                + "-o yaml): the operator adopts it");
        PostgresConstraint m = PluginRun.SERIALIZATION.convertValue(fk.get("manifest"), PostgresConstraint.class);
        assertThat(m.getMetadata().getName()).isEqualTo("invoices-customer-region-fk");
        assertThat(m.getSpec().getConnection().getSecretName()).isEqualTo("db-app");
        assertThat(m.getSpec().getForeignKey().getColumns()).containsExactly("customer_id", "region");
        assertThat(m.getSpec().getForeignKey().getIndex()).as("the index manifest the same audit proposes")
                .isEqualTo("invoices-customer-id-region-fk-idx");

        JsonNode check = finding(doc, ConstraintAudit.CHECK, "invoices_total_check");
        assertThat(check.get("kind").asText()).isEqualTo("check");
        assertThat(check.at("/manifest/spec/check/expression").asText())
                .isEqualTo("(total > (0)::numeric) AND (total < (1000000)::numeric)");
        JsonNode dollar = finding(doc, ConstraintAudit.CHECK, "orders_dollar_check");
        assertThat(dollar.has("manifest")).isFalse();
        assertThat(dollar.get("fix").asText()).startsWith("the API cannot declare it (check.expression may not "
                + "contain '$'").contains("ALTER TABLE \"public\".\"orders\" VALIDATE CONSTRAINT "
                + "\"orders_dollar_check\"");
        assertThat(finding(doc, "unindexed-foreign-key", "invoices_order_fk").get("manifest").at("/kind").asText()).isEqualTo("PostgresIndex");
    }

    @Test
    void shouldSayWhichPostgresConstraintOwnsANotValidConstraint() throws Exception {
        exec(db, "COMMENT ON CONSTRAINT invoices_total_check ON invoices IS 'pgindex-operator owner=7 "
                + "resource=shop/invoices-total spec=abc adopted=true'");
        PluginRun run = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "json");
        JsonNode owned = finding(new ObjectMapper().readTree(run.out()), ConstraintAudit.CHECK, "invoices_total_check");
        assertThat(owned.get("owner").asText()).isEqualTo("shop/invoices-total");
        assertThat(owned.get("detail").asText()).endsWith("owned by PostgresConstraint shop/invoices-total (adopted)");
        assertThat(owned.get("fix").asText()).startsWith("nothing: PostgresConstraint shop/invoices-total validates it");
        assertThat(owned.has("manifest")).isFalse();
    }

    @Test
    void shouldPrintTheConstraintsInTheTableAndTheirManifestsAfterTheIndexesInYaml() throws Exception {
        PluginRun table = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster");
        assertThat(table.code()).isEqualTo(Main.FINDINGS);
        assertThat(table.out()).startsWith("CHECK ").containsPattern("not-valid-constraint +public.invoices_total_check "
                + "+invoices +check left NOT VALID, CHECK \\(\\(\\(total > ");

        PluginRun yaml = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "yaml", "-n", "shop",
                "--secret", "db-app");
        assertThat(yaml.out()).startsWith("# kubectl pgindex audit: 2 index(es) for unindexed foreign keys, 2 "
                + "constraint(s) left NOT VALID; 5 finding(s) in all");
        Map<String, PostgresConstraint> constraints = ConstraintImportTest.constraints(yaml.out());
        assertThat(constraints).containsOnlyKeys("invoices-customer-region-fk", "invoices-total-check");
        assertThat(constraints.values()).allMatch(k -> "shop".equals(k.getMetadata().getNamespace()));
        assertThat(yaml.out().lastIndexOf("kind: PostgresIndex")).isLessThan(yaml.out().indexOf(
                "kind: PostgresConstraint"));

        exec(db, "ALTER TABLE invoices VALIDATE CONSTRAINT invoices_total_check");
        PluginRun after = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster");
        assertThat(after.out()).doesNotContain("invoices_total_check").contains("invoices_customer_region_fk");
    }

    @Test
    void shouldReportANotNullLeftNotValidOnPostgres18() throws Exception {
        Assumptions.assumeTrue(Integer.parseInt(TestPostgres.scalar(db, "SHOW server_version_num")) >= 180000,
                "NOT NULL ... NOT VALID is PostgreSQL 18's (run with -Dpg.binaries.version=18.3.0)");
        exec(db, "ALTER TABLE invoices ADD CONSTRAINT invoices_region_not_null NOT NULL region NOT VALID");
        PluginRun run = PluginRun.of("audit", "--dsn", PluginRun.dsn(db), "--no-cluster", "-o", "json");
        JsonNode nn = finding(new ObjectMapper().readTree(run.out()), ConstraintAudit.CHECK, "invoices_region_not_null");
        assertThat(nn.get("kind").asText()).isEqualTo("not null");
        assertThat(nn.get("definition").asText()).isEqualTo("NOT NULL region NOT VALID");
        assertThat(nn.at("/manifest/spec/notNull/column").asText()).isEqualTo("region");
        PluginRun imported = PluginRun.of("import", "--dsn", PluginRun.dsn(db), "--secret", "db-app");
        assertThat(ConstraintImportTest.constraints(imported.out()).values()).as("NOT NULLs belong to the columns")
                .noneMatch(k -> k.getSpec().getNotNull() != null);
    }

    private static JsonNode finding(JsonNode doc, String check, String constraint) {
        for (JsonNode f : doc.get("findings")) {
            if (f.get("check").asText().equals(check) && f.path("constraint").asText().equals(constraint)) {
                return f;
            }
        }
        throw new AssertionError("no " + check + " finding for " + constraint + " in " + doc);
    }
}
