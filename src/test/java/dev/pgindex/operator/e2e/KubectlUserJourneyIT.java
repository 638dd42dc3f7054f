package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/** What a user does with kubectl, against the real API server, with the operator running as its ServiceAccount. */
class KubectlUserJourneyIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    static void createShopTables(E2eEnvironment.Tenant t) {
        exec(t.db(), "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 50000) g",
                "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int, created_at timestamptz DEFAULT now(), "
                        + "status text, total numeric)",
                "INSERT INTO orders (customer_id, status, total) SELECT g % 1000, CASE WHEN g % 10 = 0 THEN 'open' "
                        + "ELSE 'closed' END, g FROM generate_series(1, 50000) g");
    }

    static String manifest(String name, String table, String index, String extra) {
        return """
                apiVersion: pgindex.dev/v1alpha1
                kind: PostgresIndex
                metadata:
                  name: %s
                spec:
                  connection:
                    secretName: db-app
                  table: %s
                  name: %s
                  columns:
                    - name: email
                %s""".formatted(name, table, index, extra);
    }

    /** The SIZE column of a Ready index: a number and a unit, as status.usage.size ("16.0 KiB"). */
    static final String SIZE = "[0-9.]+ (B|KiB|MiB|GiB|TiB|PiB)";

    @Test
    void shouldBuildTheExamplesToReadyAndShowThemInKubectlGet() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("journey", "shop-db-app");
        createShopTables(t);
        for (Path example : List.of(Path.of("deploy/examples/10-users-email.yaml"),
                Path.of("deploy/examples/20-orders-open.yaml"), Path.of("deploy/examples/30-users-lower-email.yaml"))) {
            env.kubectl("apply", "-n", t.namespace(), "-f", example.toString()).check();
        }
        Cli.Result wait = env.kubectl("wait", "--for=condition=Ready", "pgindex", "--all", "-n", t.namespace(),
                "--timeout=120s");
        assertThat(wait.exit()).as(wait + "\n" + env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "yaml").out()).isZero();

        String table = env.kubectl("get", "pgindex", "-n", t.namespace()).check().out();
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "TABLE", "INDEX", "PHASE", "PROGRESS", "READY", "SIZE",
                "UNUSED", "AGE");
        assertThat(lines).anyMatch(l -> l.matches("users-email\\s+users\\s+users_email_uniq\\s+Ready\\s+100%\\s+True\\s+" + SIZE + "\\s+\\S+"));
        assertThat(lines).anyMatch(l -> l.matches("orders-open-by-customer\\s+orders\\s+orders_open_by_customer\\s+Ready\\s+100%\\s+True\\s+" + SIZE + "\\s+\\S+"));
        assertThat(lines).anyMatch(l -> l.matches("users-lower-email\\s+users\\s+users_lower_email\\s+Ready\\s+100%\\s+True\\s+" + SIZE + "\\s+\\S+"));
        // the short names work too
        assertThat(env.kubectl("get", "pgidx", "-n", t.namespace()).check().out()).contains("users-email");

        assertThat(scalar(t.db(), "SELECT pg_get_indexdef('users_email_uniq'::regclass)"))
                .isEqualTo("CREATE UNIQUE INDEX users_email_uniq ON public.users USING btree (email)");
        assertThat(scalar(t.db(), "SELECT pg_get_indexdef('orders_open_by_customer'::regclass)"))
                .isEqualTo("CREATE INDEX orders_open_by_customer ON public.orders USING btree (customer_id, created_at DESC) "
                        + "INCLUDE (total) WHERE (status = 'open'::text)");
        assertThat(scalar(t.db(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).isEqualTo("0");

        // kstatus: observedGeneration everywhere equals metadata.generation
        String gen = env.kubectl("get", "pgindex", "users-email", "-n", t.namespace(), "-o",
                "jsonpath={.metadata.generation}").check().out();
        assertThat(env.kubectl("get", "pgindex", "users-email", "-n", t.namespace(), "-o",
                "jsonpath={.status.observedGeneration} {.status.conditions[*].observedGeneration}").check().out())
                .isEqualTo(gen + " " + gen + " " + gen + " " + gen);
        assertThat(env.kubectl("get", "pgindex", "users-email", "-n", t.namespace(), "-o",
                "jsonpath={.status.conditions[*].type}={.status.conditions[*].status}").check().out())
                .isEqualTo("Ready Reconciling Stalled=True False False");
        // describe tells the story, events included
        String describe = env.kubectl("describe", "pgindex", "users-email", "-n", t.namespace()).check().out();
        assertThat(describe).contains("Reason:", "IndexReady", "Builder Pid:", "CREATE INDEX CONCURRENTLY", "Events:", "Building");
    }

    @Test
    void shouldTeachTheApiThroughKubectlExplain() {
        assertThat(explain("postgresindex.spec"))
                .contains("Fields mirror CREATE INDEX", "connection", "columns", "reclaimPolicy", "retryLimit", "buildDeadline");
        assertThat(explain("postgresindex.spec.where")).contains("Maps to WHERE predicate");
        assertThat(explain("postgresindex.spec.columns.expression")).contains("lower(email)");
        assertThat(explain("postgresindex.spec.connection.secretName")).contains("CloudNativePG");
        assertThat(explain("postgresindex.status.conditions.reason")).contains("CamelCase");
        assertThat(explain("postgresindex.status.build.builderPid")).contains("Backend PID");
    }

    /** kubectl explain output with its line wrapping undone. */
    static String explain(String field) {
        return env.kubectl("explain", field).check().out().replaceAll("\\s+", " ");
    }

    @Test
    void shouldMarkReadyStaleUntilASpecChangeIsReconciled() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("stale");
        createShopTables(t);
        env.apply(t.namespace(), manifest("idx", "users", "users_email_idx", "")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Ready\")].status", "True", WAIT);

        env.operator.stop();
        try {
            env.kubectl("patch", "pgindex", "idx", "-n", t.namespace(), "--type", "merge", "-p",
                    "{\"spec\":{\"retryLimit\":7}}").check();
            String out = env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o",
                    "jsonpath={.metadata.generation} {.status.observedGeneration} {.status.conditions[?(@.type==\"Ready\")].observedGeneration}")
                    .check().out();
            assertThat(out).isEqualTo("2 1 1"); // Ready=True, but for generation 1: kstatus reads this as in progress
        } finally {
            env.restartOperator(Map.of(), env.operatorKubeconfig);
        }
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Ready\")].observedGeneration", "2", WAIT);
        assertThat(env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o", "jsonpath={.status.observedGeneration}")
                .check().out()).isEqualTo("2");
    }

    @Test
    void shouldRunTheFinalizerAndDropTheIndexWithDeletePolicy() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("finalizer");
        createShopTables(t);
        env.apply(t.namespace(), manifest("dropme", "users", "users_email_drop", "  reclaimPolicy: Delete\n")).check();
        env.apply(t.namespace(), manifest("keepme", "users", "users_email_keep", "")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/dropme", ".status.phase", "Ready", WAIT);
        env.awaitJsonPath(t.namespace(), "pgindex/keepme", ".status.phase", "Ready", WAIT);
        assertThat(env.kubectl("get", "pgindex", "dropme", "-n", t.namespace(), "-o", "jsonpath={.metadata.finalizers}")
                .check().out()).contains("pgindex.dev");

        assertThat(env.kubectl("delete", "pgindex", "dropme", "keepme", "-n", t.namespace(), "--timeout=60s").exit()).isZero();
        assertThat(scalar(t.db(), "SELECT to_regclass('users_email_drop')")).isNull();
        assertThat(scalar(t.db(), "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_keep'::regclass")).isEqualTo("t");
        assertThat(scalar(t.db(), "SELECT obj_description('users_email_keep'::regclass, 'pg_class')")).isNull();
    }

    @Test
    void shouldCompleteNamespaceDeletion() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("nsdel");
        createShopTables(t);
        env.apply(t.namespace(), manifest("idx", "users", "users_email_idx", "  reclaimPolicy: Delete\n")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);
        Cli.Result del = env.kubectl("delete", "namespace", t.namespace(), "--timeout=120s");
        assertThat(del.exit()).as(del.toString()).isZero();
        assertThat(env.kubectl("get", "namespace", t.namespace()).exit()).isNotZero();
        // the Secret may have gone first; the operator still drops the index with the connection it last used
        assertThat(scalar(t.db(), "SELECT to_regclass('users_email_idx')")).isNull();
    }

    @Test
    void shouldRaiseWarningEventAndStallOnUniqueViolation() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("dup");
        createShopTables(t);
        exec(t.db(), "INSERT INTO users (email) VALUES ('user42@example.com')");
        env.apply(t.namespace(), manifest("uniq", "users", "users_email_uniq", "  unique: true\n")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/uniq", ".status.conditions[?(@.type==\"Stalled\")].reason",
                "UniqueViolation", WAIT);
        String events = env.awaitEvents(t.namespace(), "UniqueViolation", "{.items[*].type} {.items[*].message}",
                Duration.ofSeconds(30));
        assertThat(events).startsWith("Warning").contains("user42@example.com").contains("23505");
        assertThat(env.kubectl("get", "pgindex", "uniq", "-n", t.namespace()).check().out()).contains("Stalled");

        exec(t.db(), "DELETE FROM users WHERE id = (SELECT max(id) FROM users)");
        env.awaitJsonPath(t.namespace(), "pgindex/uniq", ".status.phase", "Ready", WAIT);
    }

    static String read(Path p) throws Exception {
        return Files.readString(p);
    }
}
