package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubectl plugin as a user runs it: target/ on the PATH, `kubectl pgindex ...` through kubectl's own plugin
 * lookup, the connection Secret read from the real API server, the manifests applied with kubectl, the operator
 * running as its ServiceAccount.
 */
class KubectlPgindexIT {
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    /** `kubectl pgindex ...` with the built plugin on the PATH and the control plane's kubeconfig. */
    static Cli.Result plugin(String stdin, String... args) {
        Map<String, String> e = new HashMap<>();
        e.put("KUBECONFIG", env.controlPlane.kubeconfig.toString());
        e.put("PATH", Path.of("target").toAbsolutePath() + ":" + System.getenv("PATH"));
        return Cli.run(e, Duration.ofMinutes(2), stdin, Cli.args("kubectl", Cli.args("pgindex", args)
                .toArray(String[]::new)).toArray(String[]::new));
    }

    @Test
    void shouldImportEveryShapeAndHaveEachAdoptedWithoutABuild() throws Exception {
        assertThat(Path.of("target", "kubectl-pgindex")).as("built by mvn package").isExecutable();
        E2eEnvironment.Tenant t = env.newTenant("import");
        exec(t.db(), Files.readString(Path.of("src/test/resources/cli/every-shape.sql")));
        Map<String, String> oidsBefore = oids(t);

        Cli.Result imported = plugin(null, "import", "-n", t.namespace(), "--secret", "db-app");
        assertThat(imported.exit()).as(imported.toString()).isZero();
        assertThat(imported.err()).contains("21 imported, 5 not imported, 2 covered by a partitioned index");

        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger samples = new AtomicInteger();
        List<String> buildsSeen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread sampler = new Thread(() -> sampleBuilds(t, sampling, samples, buildsSeen));
        sampler.start();
        try {
            env.apply(t.namespace(), imported.out()).check();
            Cli.Result wait = env.kubectl("wait", "--for=condition=Ready", "pgindex", "--all", "-n", t.namespace(),
                    "--timeout=120s");
            assertThat(wait.exit()).as(wait + "\n" + env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "yaml")
                    .out()).isZero();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        String reasons = env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "jsonpath={range .items[*]}"
                + "{.spec.name}={.status.conditions[?(@.type==\"Ready\")].reason}{\"\\n\"}{end}").check().out();
        List<String> lines = reasons.lines().toList();
        assertThat(lines).hasSize(21);
        assertThat(lines).allMatch(l -> l.endsWith("=Adopted"), "every resource Ready as Adopted");
        assertThat(samples.get()).as("pg_stat_progress_create_index was sampled").isGreaterThan(10);
        // the operator's comparison builds its candidate on an empty temporary table (invisible to other sessions,
        // so its relid resolves to no table here): a row of pg_stat_progress_create_index for a few microseconds.
        // Nothing may ever be built on a real table, and nothing concurrently.
        assertThat(buildsSeen).as("builds on real tables seen in pg_stat_progress_create_index").isEmpty();
        assertThat(oids(t)).as("no index OID changed").isEqualTo(oidsBefore);
        assertThat(query(t.db(), "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind IN ('i', 'I') AND obj_description(c.oid, 'pg_class') LIKE '%adopted=true%'")
                .get(0).get(0)).isEqualTo("21");

        // a second import lists every index as managed already and writes nothing
        Cli.Result again = plugin(null, "import", "-n", t.namespace(), "--secret", "db-app", "-o", "table");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already managed by PostgresIndex " + t.namespace() + "/orders-pkey");
    }

    @Test
    void shouldTurnMigrationFilesIntoManifestsTheOperatorBuilds() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("fromsql");
        exec(t.db(), "CREATE TABLE users_user (id bigserial PRIMARY KEY, email varchar(254) NOT NULL)",
                "INSERT INTO users_user (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 5000) g");
        String rails = Files.readString(Path.of("src/test/resources/cli/rails-structure.sql"));
        exec(t.db(), rails.substring(rails.indexOf("CREATE TABLE public.orders"), rails.indexOf("--\n-- Name: "
                + "index_orders_on_metadata")));

        Cli.Result django = plugin(Files.readString(Path.of("src/test/resources/cli/django-0002-sqlmigrate.sql")),
                "from-sql", "-n", t.namespace(), "--secret", "db-app", "-");
        assertThat(django.exit()).as(django.toString()).isZero();
        Cli.Result structure = plugin(null, "from-sql", "-n", t.namespace(), "--secret", "db-app", "--skip-other",
                "src/test/resources/cli/rails-structure.sql");
        assertThat(structure.exit()).as(structure.toString()).isZero();
        Cli.Result hostile = plugin("CREATE INDEX users_id_idx ON users_user (id); DROP TABLE users_user;",
                "from-sql", "-n", t.namespace(), "--secret", "db-app");
        assertThat(hostile.exit()).isEqualTo(1);
        assertThat(hostile.err()).contains("statement 2 (line 1): DROP TABLE users_user: not a CREATE INDEX");

        env.apply(t.namespace(), django.out()).check();
        env.apply(t.namespace(), structure.out()).check();
        Cli.Result wait = env.kubectl("wait", "--for=condition=Ready", "pgindex", "--all", "-n", t.namespace(),
                "--timeout=120s");
        assertThat(wait.exit()).as(wait + "\n" + env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "yaml")
                .out()).isZero();
        String reasons = env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "jsonpath={range .items[*]}"
                + "{.spec.name}={.status.conditions[?(@.type==\"Ready\")].reason}{\"\\n\"}{end}").check().out();
        assertThat(reasons.lines().toList()).containsExactlyInAnyOrder("users_email_uniq=IndexReady",
                "index_orders_on_metadata=IndexReady", "index_orders_on_state_pending=IndexReady",
                "index_orders_on_user_id_and_created_at=IndexReady", "index_users_on_lower_email=IndexReady",
                "index_users_on_reset_password_token=IndexReady");
        assertThat(query(t.db(), "SELECT pg_get_indexdef('index_orders_on_state_pending'::regclass)").get(0).get(0))
                .isEqualTo("CREATE INDEX index_orders_on_state_pending ON public.orders USING btree (created_at) "
                        + "WHERE ((state)::text = 'pending'::text)");
        assertThat(query(t.db(), "SELECT count(*) FROM pg_class WHERE relname = 'users_user'").get(0).get(0))
                .isEqualTo("1");
    }

    @Test
    void shouldAuditWithTheClusterAndCreateTheMissingForeignKeyIndexes() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("audit");
        exec(t.db(), "CREATE TABLE customers (id bigint PRIMARY KEY)",
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), at date)",
                "INSERT INTO customers SELECT g FROM generate_series(1, 100) g",
                "INSERT INTO orders SELECT g, g % 100 + 1, current_date FROM generate_series(1, 1000) g",
                "CREATE INDEX orders_at_idx ON orders (at)", "CREATE INDEX orders_at_copy ON orders (at)",
                "COMMENT ON INDEX orders_at_idx IS 'pgindex-operator owner=0f0f0f0f resource=" + t.namespace()
                        + "/gone spec=abc adopted=true'");
        Cli.Result audit = plugin(null, "audit", "-n", t.namespace(), "--secret", "db-app", "-o", "json");
        assertThat(audit.exit()).as(audit.toString()).isEqualTo(1);
        assertThat(audit.out()).contains("\"check\" : \"duplicate\"", "\"check\" : \"orphaned\"",
                "\"check\" : \"unindexed-foreign-key\"", "PostgresIndex " + t.namespace() + "/gone, which no longer "
                        + "exists");
        Cli.Result table = plugin(null, "audit", "-n", t.namespace(), "--secret", "db-app");
        assertThat(table.out()).startsWith("CHECK ");

        Cli.Result fkIndexes = plugin(null, "audit", "-n", t.namespace(), "--secret", "db-app", "-o", "yaml");
        env.apply(t.namespace(), fkIndexes.out()).check();
        env.awaitJsonPath(t.namespace(), "pgindex/orders-customer-id-fk-idx",
                ".status.conditions[?(@.type==\"Ready\")].reason", "IndexReady", Duration.ofSeconds(90));
        Cli.Result after = plugin(null, "audit", "-n", t.namespace(), "--secret", "db-app", "-o", "json");
        assertThat(after.out()).doesNotContain("unindexed-foreign-key");
    }

    private static void sampleBuilds(E2eEnvironment.Tenant t, AtomicBoolean sampling, AtomicInteger samples,
            List<String> builds) {
        try (Connection c = TestPostgres.connect(t.db()); Statement s = c.createStatement()) {
            while (sampling.get()) {
                try (ResultSet rs = s.executeQuery("SELECT p.command, p.relid::regclass::text, p.phase "
                        + "FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid "
                        + "WHERE p.datname = current_database() AND c.relpersistence <> 't'")) {
                    while (rs.next()) {
                        builds.add(rs.getString(1) + " on " + rs.getString(2) + " (" + rs.getString(3) + ")");
                    }
                }
                samples.incrementAndGet();
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> oids(E2eEnvironment.Tenant t) {
        Map<String, String> m = new HashMap<>();
        for (List<String> row : query(t.db(), "SELECT n.nspname || '.' || c.relname, c.oid::text FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('i', 'I') "
                + "AND n.nspname IN ('public', 'billing')")) {
            m.put(row.get(0), row.get(1));
        }
        return m;
    }
}
