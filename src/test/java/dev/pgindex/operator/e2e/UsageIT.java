package dev.pgindex.operator.e2e;

import dev.pgindex.operator.ship.GrafanaDashboard;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * After Ready, through kubectl: the SIZE column, status.usage with a replica read through its own Secret, the
 * per-resource series at /q/metrics (gone with the resource), and every metric the Grafana dashboard queries
 * served by the running operator.
 */
class UsageIT {
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    @Test
    void shouldShowSizeAndUsageAndServeEveryDashboardMetric() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("usage");
        // the "replica" is the same database behind a Secret of its own: it proves the Secret path, and counts twice
        env.addSecret(t.namespace(), "db-ro", t.db());
        exec(t.db(), "CREATE TABLE users (id bigserial PRIMARY KEY, email text)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20000) g",
                "INSERT INTO users (email) VALUES ('twice@example.com'), ('twice@example.com')");
        env.apply(t.namespace(), KubectlUserJourneyIT.manifest("users-email", "users", "users_email_idx", """
                  usage:
                    replicas:
                      - secretName: db-ro
                """)).check();
        // a unique index over duplicates fails its build (UniqueViolation): the failure counter is served too
        env.apply(t.namespace(), KubectlUserJourneyIT.manifest("users-email-unique", "users", "users_email_key",
                "  unique: true\n")).check();
        env.awaitNonEmpty(t.namespace(), "pgindex/users-email", ".status.usage.size", Duration.ofSeconds(120));
        env.awaitJsonPath(t.namespace(), "pgindex/users-email-unique", ".status.lastError.reason", "UniqueViolation",
                Duration.ofSeconds(120));

        String table = env.kubectl("get", "pgindex", "-n", t.namespace()).check().out();
        Files.writeString(env.logDir.resolve("kubectl-get-usage.txt"), table);
        String header = table.lines().findFirst().orElseThrow();
        assertThat(header).contains("SIZE", "UNUSED").doesNotContain("SCANS");
        String row = table.lines().filter(l -> l.startsWith("users-email ")).findFirst().orElseThrow();
        assertThat(row).contains("Ready").containsPattern("[0-9.]+ KiB");
        assertThat(env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "wide").check().out()).contains("SCANS");
        assertThat(env.kubectl("get", "pgindex", "users-email", "-n", t.namespace(), "-o",
                "jsonpath={.status.usage.sources[*].name}").check().out()).isEqualTo("primary db-ro");

        OperatorProcess op = env.operator;
        String series = "pgindex_index_size_bytes{name=\"users-email\",namespace=\"" + t.namespace() + "\"}";
        String metrics = op.metrics();
        Files.writeString(env.logDir.resolve("metrics-usage.txt"), metrics);
        assertThat(metrics).contains(series);
        Set<String> served = new TreeSet<>();
        metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> served.add(l.split("[{ ]", 2)[0]));
        Set<String> missing = new TreeSet<>(GrafanaDashboard.metrics());
        missing.removeAll(served);
        System.out.println("dashboard metrics: " + GrafanaDashboard.metrics());
        assertThat(missing).as("metrics the dashboard queries that the operator does not serve").isEmpty();

        env.kubectl("delete", "pgindex", "users-email", "-n", t.namespace(), "--timeout=60s").check();
        assertThat(op.metrics()).as("a deleted resource's series are removed").doesNotContain(series);
    }

    @Test
    void shouldRejectAMalformedUsageSpec() {
        E2eEnvironment.Tenant t = env.newTenant("usage-admission");
        var days = env.apply(t.namespace(), KubectlUserJourneyIT.manifest("bad-after", "users", "users_email_idx", """
                  usage:
                    unusedAfter: 30 days
                """));
        assertThat(days.ok()).as(days.out() + days.err()).isFalse();
        assertThat(days.err()).contains("spec.usage.unusedAfter");
        var secret = env.apply(t.namespace(), KubectlUserJourneyIT.manifest("bad-replica", "users", "users_email_idx", """
                  usage:
                    replicas:
                      - secretName: Not_A_Secret
                """));
        assertThat(secret.ok()).as(secret.out() + secret.err()).isFalse();
        assertThat(secret.err()).contains("spec.usage.replicas[0].secretName");
    }
}
