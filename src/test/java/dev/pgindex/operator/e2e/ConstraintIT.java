package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgresConstraint through kubectl, on the real API server, with the operator running as its ServiceAccount:
 * a foreign key that waits for its PostgresIndex, violations shown and then fixed, an operator killed between
 * NOT VALID and VALIDATE, deletion with each reclaimPolicy, and the API taught by kubectl explain.
 */
class ConstraintIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    static void tables(E2eEnvironment.Tenant t) {
        exec(t.db(), "CREATE TABLE customers (id int PRIMARY KEY)",
                "INSERT INTO customers SELECT g FROM generate_series(1, 1000) g",
                "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int, email text, total numeric)",
                "INSERT INTO orders (customer_id, email, total) SELECT 1 + g % 1000, 'u' || g, g "
                        + "FROM generate_series(1, 20000) g");
    }

    static String constraint(String name, String pgName, String kind, String extra) {
        return """
                apiVersion: pgindex.dev/v1alpha1
                kind: PostgresConstraint
                metadata:
                  name: %s
                spec:
                  connection:
                    secretName: db-app
                  table: orders
                  name: %s
                  recheckInterval: 2s
                %s
                %s""".formatted(name, pgName, kind.indent(2).stripTrailing(), extra);
    }

    static final String FK = """
            foreignKey:
              columns: [customer_id]
              references:
                table: customers
                columns: [id]
              index: orders-customer-id""";

    @Test
    void shouldAddAForeignKeyOnceItsIndexIsReadyAndShowItInKubectlGet() {
        E2eEnvironment.Tenant t = env.newTenant("con-fk");
        tables(t);
        env.apply(t.namespace(), constraint("orders-customer-fk", "orders_customer_fk", FK, "")).check();
        env.awaitJsonPath(t.namespace(), "pgconstraint/orders-customer-fk",
                ".status.conditions[?(@.type==\"Reconciling\")].reason", "WaitingForIndex", WAIT);
        env.apply(t.namespace(), KubectlUserJourneyIT.manifest("orders-customer-id", "orders", "orders_customer_id",
                "").replace("- name: email", "- name: customer_id")).check();
        Cli.Result wait = env.kubectl("wait", "--for=condition=Ready", "pgconstraint/orders-customer-fk", "-n",
                t.namespace(), "--timeout=120s");
        assertThat(wait.exit()).as(wait + "\n" + yaml(t)).isZero();

        List<String> lines = env.kubectl("get", "pgconstraint", "-n", t.namespace()).check().out().lines().toList();
        System.out.println(String.join("\n", lines));
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "KIND", "TABLE", "CONSTRAINT", "STEP",
                "VIOLATIONS", "READY", "AGE");
        assertThat(lines).anyMatch(l -> l.matches(
                "orders-customer-fk\\s+ForeignKey\\s+orders\\s+orders_customer_fk\\s+Done\\s+0\\s+True\\s+\\S+"));
        assertThat(scalar(t.db(), "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_fk'"))
                .isEqualTo("t");
        assertThat(env.kubectl("get", "pgcon", "orders-customer-fk", "-n", t.namespace(), "-o",
                "jsonpath={.status.supportingIndex.name} {.status.definition}").check().out())
                .isEqualTo("orders_customer_id FOREIGN KEY (customer_id) REFERENCES customers(id)");
        String describe = env.kubectl("describe", "pgconstraint", "orders-customer-fk", "-n", t.namespace()).check()
                .out();
        assertThat(describe).contains("ConstraintAdded", "ConstraintValidated", "ConstraintValid");
    }

    @Test
    void shouldShowViolationsWithASampleAndFinishOnceTheDataIsFixed() {
        E2eEnvironment.Tenant t = env.newTenant("con-nn");
        tables(t);
        exec(t.db(), "UPDATE orders SET email = NULL WHERE id IN (17, 18)");
        env.apply(t.namespace(), constraint("orders-email-nn", "orders_email_not_null", """
                notNull:
                  column: email""", "")).check();
        env.awaitJsonPath(t.namespace(), "pgconstraint/orders-email-nn",
                ".status.conditions[?(@.type==\"Stalled\")].reason", "ViolationsFound", WAIT);
        String listed = env.kubectl("get", "pgconstraint", "-n", t.namespace()).check().out();
        System.out.println(listed);
        assertThat(listed.lines()).anyMatch(l -> l.matches(
                "orders-email-nn\\s+NotNull\\s+orders\\s+orders_email_not_null\\s+Preflight\\s+2\\s+False\\s+\\S+"));
        assertThat(env.kubectl("get", "pgconstraint", "orders-email-nn", "-n", t.namespace(), "-o",
                "jsonpath={.status.violations.count} {.status.violations.sample}").check().out())
                .isEqualTo("2 [\"(17)\",\"(18)\"]");
        assertThat(env.kubectl("get", "events", "-n", t.namespace(), "--field-selector", "reason=ViolationsFound")
                .check().out()).contains("2 rows of public.orders violate orders_email_not_null");
        exec(t.db(), "UPDATE orders SET email = 'fixed' WHERE email IS NULL");
        env.awaitJsonPath(t.namespace(), "pgconstraint/orders-email-nn",
                ".status.conditions[?(@.type==\"Ready\")].status", "True", WAIT);
        assertThat(scalar(t.db(), "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass "
                + "AND attname = 'email'")).isEqualTo("t");
    }

    @Test
    void shouldFinishTheJobAfterTheOperatorIsKilledBetweenNotValidAndValidate() {
        E2eEnvironment.Tenant t = env.newTenant("con-crash");
        tables(t);
        // a daily window that opened an hour ago for one minute: closed now, so VALIDATE waits after NOT VALID
        String start = ZonedDateTime.now(ZoneOffset.UTC).minusHours(1).format(DateTimeFormatter.ofPattern("HH:mm"));
        env.apply(t.namespace(), constraint("orders-total-ck", "orders_total_ck", """
                check:
                  expression: total >= 0""", """
                  schedule:
                    windows:
                      - start: "%s"
                        duration: 1m
                        timeZone: Etc/UTC
                """.formatted(start))).check();
        env.awaitJsonPath(t.namespace(), "pgconstraint/orders-total-ck",
                ".status.conditions[?(@.type==\"Reconciling\")].reason", "WaitingForWindow", WAIT);
        assertThat(scalar(t.db(), "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_total_ck'"))
                .as("added NOT VALID, not yet validated").isEqualTo("f");

        env.operator.kill();
        env.restartOperator(Map.of(), env.operatorKubeconfig);
        env.kubectl("patch", "pgconstraint", "orders-total-ck", "-n", t.namespace(), "--type", "merge", "-p",
                "{\"spec\":{\"schedule\":{\"windows\":[]}}}").check();
        env.awaitJsonPath(t.namespace(), "pgconstraint/orders-total-ck",
                ".status.conditions[?(@.type==\"Ready\")].reason", "ConstraintValid", WAIT);
        assertThat(scalar(t.db(), "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_total_ck'"))
                .isEqualTo("t");
        assertThat(scalar(t.db(), "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint "
                + "WHERE conname = 'orders_total_ck'")).contains("adopted=false");
    }

    @Test
    void shouldDropOnDeleteOnlyWithReclaimPolicyDeleteAndRefuseChangesToTheDefinition() {
        E2eEnvironment.Tenant t = env.newTenant("con-del");
        tables(t);
        env.apply(t.namespace(), constraint("kept", "orders_kept_ck", "check:\n  expression: total >= 0", "")).check();
        env.apply(t.namespace(), constraint("dropped", "orders_dropped_ck", "check:\n  expression: total > -1",
                "  reclaimPolicy: Delete\n")).check();
        env.kubectl("wait", "--for=condition=Ready", "pgconstraint", "--all", "-n", t.namespace(), "--timeout=120s")
                .check();
        Cli.Result change = env.kubectl("patch", "pgconstraint", "kept", "-n", t.namespace(), "--type", "merge", "-p",
                "{\"spec\":{\"check\":{\"expression\":\"total > 0\"}}}");
        assertThat(change.exit()).isNotZero();
        assertThat(change.err()).contains("check is immutable");

        env.kubectl("delete", "pgconstraint", "kept", "dropped", "-n", t.namespace(), "--timeout=60s").check();
        assertThat(scalar(t.db(), "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_dropped_ck'"))
                .isEqualTo("0");
        assertThat(scalar(t.db(), "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_kept_ck'"))
                .isEqualTo("t");
        assertThat(scalar(t.db(), "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint "
                + "WHERE conname = 'orders_kept_ck'")).isNull();
    }

    @Test
    void shouldTeachTheApiThroughKubectlExplain() {
        assertThat(explain("postgresconstraint.spec")).contains("exactly one of foreignKey, "
                + "check and notNull", "reclaimPolicy", "recheckInterval", "lockRetries");
        assertThat(explain("postgresconstraint.spec.check.expression"))
                .contains("Maps to CHECK ( expression )", "read-only transaction");
        assertThat(explain("postgresconstraint.spec.notNull.column"))
                .contains("PostgreSQL 18", "SET NOT NULL");
        assertThat(explain("postgresconstraint.status.violations.sample")).contains("ctid");
    }

    /** kubectl explain output with its line wrapping undone. */
    static String explain(String field) {
        return env.kubectl("explain", field).check().out().replaceAll("\\s+", " ");
    }

    private static String yaml(E2eEnvironment.Tenant t) {
        return env.kubectl("get", "pgconstraint,pgindex", "-n", t.namespace(), "-o", "yaml").out();
    }
}
