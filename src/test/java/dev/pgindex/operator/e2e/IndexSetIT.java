package dev.pgindex.operator.e2e;

import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.Cli;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgresIndexSet end to end on the real API server (with the real garbage collector of kube-controller-manager)
 * and real PostgreSQL: a set over several databases and tenant schemas reaches Ready, a schema created later gets
 * its index, a unique index over duplicates stops the rollout at the failure budget and fixing the data resumes it,
 * a new template name replaces every index, a Secret selector without the list grant says so, and deleting the
 * set deletes its children with their reclaim policy.
 */
class IndexSetIT {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final String READY = ".status.conditions[?(@.type==\"Ready\")].status";
    static final String READY_REASON = ".status.conditions[?(@.type==\"Ready\")].reason";
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    @Test
    void shouldRollOutToThreeDatabasesTimesFiveTenantSchemasThenToASchemaCreatedLaterAndDeleteWithTheSet() {
        E2eEnvironment.Tenant t = env.newTenant("set-tenants", "customer-1-app");
        List<ConnectionInfo> dbs = new ArrayList<>(List.of(t.db()));
        dbs.add(addDatabase(t.namespace(), "customer-2-app"));
        dbs.add(addDatabase(t.namespace(), "customer-3-app"));
        for (ConnectionInfo db : dbs) {
            exec(db, "CREATE TABLE public.migrations (id int)"); // public has no orders table and is not matched
            for (int i = 1; i <= 5; i++) {
                tenantSchema(db, "tenant_" + i, false);
            }
        }
        env.apply(t.namespace(), set("orders-email", "[customer-1-app, customer-2-app, customer-3-app]",
                "    pattern: ^tenant_\n", "orders_email_idx", "email", false, "    canary: 1\n    maxInFlight: 3\n",
                "Delete")).check();

        env.awaitJsonPath(t.namespace(), "pgidxset/orders-email", READY, "True", WAIT);
        assertThat(get(t, "pgidxset/orders-email", "{.status.targets} {.status.ready} {.status.stalled} "
                + "{.status.observedGeneration}")).isEqualTo("15 15 0 1");
        assertThat(env.kstatus(t.namespace(), "pgidxset/orders-email")).isEqualTo("Current");
        // one ordinary PostgresIndex per target, owned by the set and selectable by its labels
        String children = env.kubectl("get", "pgindex", "-n", t.namespace(), "-l", "pgindex.dev/set=orders-email",
                "-o", "jsonpath={range .items[*]}{.spec.connection.secretName}/{.spec.schema} "
                        + "{.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].controller} "
                        + "{.status.phase}{\"\\n\"}{end}").check().out();
        assertThat(children.lines()).hasSize(15).allMatch(l -> l.endsWith(" PostgresIndexSet true Ready"));
        assertThat(env.kubectl("get", "pgindex", "-n", t.namespace(), "-l",
                "pgindex.dev/set=orders-email,pgindex.dev/database-secret=customer-2-app,pgindex.dev/schema=tenant_3",
                "-o", "name").check().out().lines()).hasSize(1);
        for (ConnectionInfo db : dbs) {
            assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_email_idx'"))
                    .isEqualTo("5");
        }
        assertThat(env.kubectl("get", "pgidxset", "-n", t.namespace()).check().out())
                .containsPattern("orders-email\\s+orders_email_idx\\s+15\\s+15\\s+0\\s+AllTargetsReady");
        assertThat(events(t, "CanaryReady")).isNotBlank();
        assertThat(awaitedEvents(t, "RolloutComplete")).isNotBlank();

        // a tenant created after the rollout gets its index on the next resync
        tenantSchema(dbs.get(1), "tenant_6", false);
        env.awaitJsonPath(t.namespace(), "pgidxset/orders-email", ".status.ready", "16", WAIT);
        env.awaitJsonPath(t.namespace(), "pgidxset/orders-email", READY, "True", WAIT);
        assertThat(scalar(dbs.get(1), "SELECT count(*) FROM pg_indexes WHERE schemaname = 'tenant_6' "
                + "AND indexname = 'orders_email_idx'")).isEqualTo("1");
        // a field that may change in place reaches every child
        env.kubectl("patch", "pgidxset", "orders-email", "-n", t.namespace(), "--type=merge", "-p",
                "{\"spec\":{\"template\":{\"retryLimit\":5}}}").check();
        env.awaitJsonPath(t.namespace(), "pgindex", ".items[*].spec.retryLimit", v -> v.equals(
                String.join(" ", java.util.Collections.nCopies(16, "5"))), "16 children with retryLimit 5", WAIT);
        // a dropped tenant is no longer a target: its child goes (the index went with the schema)
        exec(dbs.get(1), "DROP SCHEMA tenant_6 CASCADE");
        env.awaitJsonPath(t.namespace(), "pgidxset/orders-email", ".status.targets", "15", WAIT);
        env.awaitJsonPath(t.namespace(), "pgindex", ".items[*].metadata.name",
                v -> v.split(" ").length == 15 && !v.contains("tenant-6"), "15 children, none for tenant_6", WAIT);
        env.awaitJsonPath(t.namespace(), "pgidxset/orders-email", READY, "True", WAIT);

        // deleting the set: the garbage collector deletes the children, each drops its index (reclaimPolicy Delete)
        env.kubectl("delete", "pgidxset", "orders-email", "-n", t.namespace(), "--timeout=60s").check();
        env.awaitJsonPath(t.namespace(), "pgindex", ".items[*].metadata.name", "", WAIT);
        Instant end = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(end) && dbs.stream().anyMatch(db -> !"0".equals(
                scalar(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_email_idx'")))) {
            OperatorProcess.sleep(500);
        }
        for (ConnectionInfo db : dbs) {
            assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_email_idx'"))
                    .isEqualTo("0");
        }
    }

    @Test
    void shouldStopAtTheFailureBudgetWhenATargetHasDuplicatesAndResumeWhenTheDataIsFixed() {
        E2eEnvironment.Tenant t = env.newTenant("set-budget", "db-a");
        ConnectionInfo a = t.db();
        ConnectionInfo b = addDatabase(t.namespace(), "db-b");
        for (ConnectionInfo db : List.of(a, b)) {
            for (int i = 1; i <= 3; i++) {
                tenantSchema(db, "t" + i, db == a && i == 2);
            }
        }
        env.apply(t.namespace(), set("unique-email", "[db-a, db-b]", "    pattern: ^t[0-9]+$\n",
                "orders_email_key", "email", true, "    canary: 1\n    maxInFlight: 1\n    failureBudget: 1\n",
                "Retain")).check();

        env.awaitJsonPath(t.namespace(), "pgidxset/unique-email", ".status.conditions[?(@.type==\"Stalled\")].reason",
                "FailureBudgetExhausted", WAIT);
        String stalledChild = "unique-email-db-a-t2-";
        assertThat(get(t, "pgidxset/unique-email", "{.status.stalledTargets}")).contains(stalledChild)
                .contains("(db-a/t2): UniqueViolation");
        assertThat(get(t, "pgidxset/unique-email", "{.status.conditions[?(@.type==\"Stalled\")].message}"))
                .contains("rollout stopped: 1 target(s) Stalled, failure budget 1", "4 target(s) not started",
                        "db-a/t2 (UniqueViolation)");
        // the stalled target re-checks its failure every few seconds (a new build attempt): the set stays stopped
        // through those attempts, nothing new starts, and the stop is announced once
        Instant end = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(end)) {
            assertThat(get(t, "pgidxset/unique-email", "{" + READY_REASON + "}")).isEqualTo("FailureBudgetExhausted");
            OperatorProcess.sleep(500);
        }
        assertThat(Integer.parseInt(get(t, "pgindex/" + env.kubectl("get", "pgindex", "-n", t.namespace(), "-o",
                "name").check().out().lines().filter(n -> n.contains(stalledChild)).findFirst().orElseThrow()
                .substring("postgresindex.pgindex.dev/".length()), "{.status.lastError.occurrences}"))).isGreaterThan(1);
        assertThat(events(t, "RolloutStopped").lines()).hasSize(1).allMatch(l -> l.startsWith("Warning"));
        assertThat(events(t, "RolloutResumed")).isBlank();
        assertThat(env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "name").check().out().lines())
                .hasSize(2);
        assertThat(get(t, "pgidxset/unique-email", "{.status.targets} {.status.ready} {.status.stalled} "
                + "{.status.waiting}")).isEqualTo("6 1 1 4");
        assertThat(env.kstatus(t.namespace(), "pgidxset/unique-email")).isEqualTo("Failed");

        // fixing the data: the stalled target retries by itself, the set resumes and finishes
        exec(a, "DELETE FROM t2.orders WHERE id = 2");
        env.awaitJsonPath(t.namespace(), "pgidxset/unique-email", READY, "True", WAIT);
        assertThat(get(t, "pgidxset/unique-email", "{.status.targets} {.status.ready} {.status.stalled}"))
                .isEqualTo("6 6 0");
        assertThat(awaitedEvents(t, "RolloutResumed")).isNotBlank();
        assertThat(scalar(b, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_email_key'")).isEqualTo("3");
    }

    @Test
    void shouldReplaceEveryIndexThroughANewTemplateNameAndRefuseADefinitionChangeWithoutOne() {
        E2eEnvironment.Tenant t = env.newTenant("set-rename", "db-app");
        tenantSchema(t.db(), "tenant_a", false);
        tenantSchema(t.db(), "tenant_b", false);
        env.apply(t.namespace(), set("orders", "[db-app]", "    names: [tenant_a, tenant_b]\n", "orders_email_idx",
                "email", false, "", "Delete")).check();
        env.awaitJsonPath(t.namespace(), "pgidxset/orders", READY, "True", WAIT);

        Cli.Result refused = env.kubectl("patch", "pgidxset", "orders", "-n", t.namespace(), "--type=merge", "-p",
                "{\"spec\":{\"template\":{\"columns\":[{\"name\":\"customer_id\"}]}}}");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("changing the index definition needs a new template.name");

        env.kubectl("patch", "pgidxset", "orders", "-n", t.namespace(), "--type=merge", "-p",
                "{\"spec\":{\"template\":{\"name\":\"orders_customer_idx\",\"columns\":[{\"name\":\"customer_id\"}]}}}")
                .check();
        env.awaitJsonPath(t.namespace(), "pgidxset/orders", ".status.observedGeneration", "2", WAIT);
        env.awaitJsonPath(t.namespace(), "pgidxset/orders", READY, "True", WAIT);
        env.awaitJsonPath(t.namespace(), "pgindex", ".items[*].spec.name", "orders_customer_idx orders_customer_idx",
                WAIT);
        // the old indexes went only after the new ones were built (reclaimPolicy Delete drops them)
        assertThat(scalar(t.db(), "SELECT string_agg(schemaname || '.' || indexname, ',' ORDER BY schemaname, indexname) FROM pg_indexes "
                + "WHERE indexname LIKE 'orders_%_idx'")).isEqualTo("tenant_a.orders_customer_idx,tenant_b.orders_customer_idx");
        assertThat(events(t, "OldIndexRemoved")).contains("replaced by");

        // deleted with --cascade=orphan the children stay; the set applied again adopts them (nothing is rebuilt).
        // The garbage collector may still delete a child it had not seen yet when it orphaned the others
        // (kubernetes/kubernetes#131284): the children that are left once it is done are the ones to be adopted. The
        // new children were created seconds ago, and the collector orphans only the dependents it has observed
        // (kubernetes/kubernetes#26120); a pause first gives it time to observe them (one run here lost both)
        OperatorProcess.sleep(3000);
        env.kubectl("delete", "pgidxset", "orders", "-n", t.namespace(), "--cascade=orphan").check();
        env.awaitJsonPath(t.namespace(), "pgindex", ".items[*].metadata.ownerReferences", "", WAIT);
        OperatorProcess.sleep(2000);
        String before = get(t, "pgindex", "{.items[*].metadata.uid}");
        assertThat(before).isNotBlank();
        env.apply(t.namespace(), set("orders", "[db-app]", "    names: [tenant_a, tenant_b]\n", "orders_customer_idx",
                "customer_id", false, "", "Delete")).check();
        String uid = env.awaitNonEmpty(t.namespace(), "pgidxset/orders", ".metadata.uid", WAIT);
        env.awaitJsonPath(t.namespace(), "pgindex", ".items[*].metadata.ownerReferences[0].uid", uid + " " + uid, WAIT);
        env.awaitJsonPath(t.namespace(), "pgidxset/orders", READY, "True", WAIT);
        assertThat(get(t, "pgindex", "{.items[*].metadata.uid}")).contains(before.split(" "));
        assertThat(env.operator.logText()).contains("adopted PostgresIndex orders-db-app-tenant-");
    }

    @Test
    void shouldSayWhenTheSecretSelectorLacksTheListGrantAndGoOnOnceGranted() {
        E2eEnvironment.Tenant t = env.newTenant("set-selector", "cluster-a-app");
        tenantSchema(t.db(), "app", false);
        env.kubectl("label", "secret", "cluster-a-app", "-n", t.namespace(), "pgindex.dev/customer-db=true").check();
        env.apply(t.namespace(), """
                apiVersion: pgindex.dev/v1alpha1
                kind: PostgresIndexSet
                metadata:
                  name: customers
                spec:
                  template:
                    table: orders
                    name: orders_email_idx
                    columns: [{name: email}]
                  databases:
                    secretSelector:
                      matchLabels: {pgindex.dev/customer-db: "true"}
                  schemas:
                    names: [app]
                """).check();
        // deploy/ grants get on Secrets only (indexSet.secretSelector.enabled is off by default)
        env.awaitJsonPath(t.namespace(), "pgidxset/customers", READY_REASON, "SecretListForbidden", WAIT);
        assertThat(get(t, "pgidxset/customers", "{.status.conditions[?(@.type==\"Stalled\")].message}"))
                .contains("indexSet.secretSelector.enabled=true");

        // what the chart's value grants, here as a Role in this namespace
        env.kubectl("create", "role", "list-secrets", "-n", t.namespace(), "--verb=list", "--resource=secrets")
                .check();
        env.kubectl("create", "rolebinding", "list-secrets", "-n", t.namespace(), "--role=list-secrets",
                "--serviceaccount=" + E2eEnvironment.OPERATOR_NS + ":" + E2eEnvironment.OPERATOR_SA).check();
        env.awaitJsonPath(t.namespace(), "pgidxset/customers", READY, "True", WAIT);
        assertThat(get(t, "pgidxset/customers", "{.status.targets} {.status.ready}")).isEqualTo("1 1");
    }

    @Test
    void kubectlExplainShouldDocumentTheSet() {
        assertThat(env.kubectl("explain", "pgidxset.spec.rollout.failureBudget").check().out())
                .contains("FailureBudgetExhausted");
        assertThat(env.kubectl("explain", "pgidxset.spec.schemas.pattern").check().out())
                .contains("regular expression");
        assertThat(env.kubectl("explain", "pgidxset.spec.template.columns").check().out()).contains("Key columns");
        assertThat(env.kubectl("explain", "pgidxset.status.stalledTargets").check().out()).contains("stalled targets");
        // connection and schema come from each target, not from the template
        assertThat(env.kubectl("explain", "pgidxset.spec.template.connection").exit()).isNotZero();
        assertThat(env.kubectl("explain", "pgidxset.spec.template.schema").exit()).isNotZero();
    }

    /** A schema with a small orders table; with duplicates, two rows share an email. */
    static void tenantSchema(ConnectionInfo db, String schema, boolean duplicates) {
        exec(db, "CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".orders (id int PRIMARY KEY, email text, customer_id int)",
                "INSERT INTO " + schema + ".orders SELECT g, 'c' || g || '@example.com', g % 10 "
                        + "FROM generate_series(1, 200) g");
        if (duplicates) {
            exec(db, "UPDATE " + schema + ".orders SET email = 'c1@example.com' WHERE id = 2");
        }
    }

    static String set(String name, String secretNames, String schemas, String index, String column, boolean unique,
            String rollout, String reclaimPolicy) {
        return """
                apiVersion: pgindex.dev/v1alpha1
                kind: PostgresIndexSet
                metadata:
                  name: %s
                spec:
                  template:
                    table: orders
                    name: %s
                    unique: %s
                    columns:
                      - name: %s
                    reclaimPolicy: %s
                  databases:
                    secretNames: %s
                  schemas:
                %s  rollout:
                %s""".formatted(name, index, unique, column, reclaimPolicy, secretNames, schemas,
                rollout.isEmpty() ? "    canary: 1\n" : rollout);
    }

    /** Another database in the tenant's namespace, with its CNPG-shaped Secret. */
    static ConnectionInfo addDatabase(String namespace, String secretName) {
        ConnectionInfo db = TestPostgres.newDatabase();
        env.addSecret(namespace, secretName, db);
        return db;
    }

    static String get(E2eEnvironment.Tenant t, String resource, String jsonPath) {
        return env.kubectl("get", resource, "-n", t.namespace(), "-o", "jsonpath=" + jsonPath).check().out();
    }

    /** One line per event: its type and message. */
    static final String EVENT_LINES = "{range .items[*]}{.type} {.message}{\"\\n\"}{end}";

    /** The events of a reason once there is one: a set's events follow the status write the test waited for. */
    static String awaitedEvents(E2eEnvironment.Tenant t, String reason) {
        return env.awaitEvents(t.namespace(), reason, EVENT_LINES, Duration.ofSeconds(30));
    }

    static String events(E2eEnvironment.Tenant t, String reason) {
        return env.kubectl("get", "events", "-n", t.namespace(), "--field-selector", "reason=" + reason, "-o",
                "jsonpath=" + EVENT_LINES).check().out();
    }
}
