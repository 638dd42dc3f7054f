package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Maintenance windows through the real API server: a resource whose only window is closed waits, kubectl get
 * shows WaitingForWindow with the next opening, malformed windows are refused at admission, and the build starts
 * once the schedule allows it.
 */
class MaintenanceWindowIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    static String manifest(String windows) {
        return """
                apiVersion: pgindex.dev/v1alpha1
                kind: PostgresIndex
                metadata:
                  name: users-email
                spec:
                  connection:
                    secretName: db-app
                  table: users
                  name: users_email_idx
                  columns:
                    - name: email
                  schedule:
                    windows:
                %s""".formatted(windows);
    }

    @Test
    void shouldWaitForTheWindowAndShowItInKubectlGet() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("window");
        KubectlUserJourneyIT.createShopTables(t);
        // a daily window that opened one hour ago and closed 1 minute later: closed now, opens again in 23h
        String start = ZonedDateTime.now(ZoneOffset.UTC).minusHours(1).format(DateTimeFormatter.ofPattern("HH:mm"));
        env.apply(t.namespace(), manifest("      - start: \"" + start + "\"\n        duration: 1m\n"
                + "        timeZone: Etc/UTC\n")).check();

        env.awaitJsonPath(t.namespace(), "pgindex/users-email",
                ".status.conditions[?(@.type==\"Reconciling\")].reason", "WaitingForWindow", WAIT);
        String wide = env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "wide").check().out();
        System.out.println(wide);
        assertThat(wide.lines().findFirst().orElseThrow()).contains("WAITING");
        assertThat(wide).containsPattern("users-email\\s+users\\s+users_email_idx\\s+Pending\\s+.*WaitingForWindow until "
                + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z");
        String message = env.kubectl("get", "pgindex", "users-email", "-n", t.namespace(), "-o",
                "jsonpath={.status.conditions[?(@.type==\"Reconciling\")].message}").check().out();
        assertThat(message).contains("outside the maintenance windows", "the next one, at");
        assertThat(scalar(t.db(), "SELECT count(*) FROM pg_class WHERE relname = 'users_email_idx'")).isEqualTo("0");

        // admission refuses malformed windows
        for (String bad : new String[] {"      - start: \"25:00\"\n        duration: 1h\n",
                "      - start: \"02:00\"\n        duration: 4 hours\n",
                "      - start: \"02:00\"\n        duration: 1h\n        days: [Funday]\n"}) {
            Cli.Result r = env.apply(t.namespace(), manifest(bad));
            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.toString()).contains("spec.schedule.windows[0]");
        }

        // an empty list of windows: build at any time
        env.kubectl("patch", "pgindex", "users-email", "-n", t.namespace(), "--type", "merge", "-p",
                "{\"spec\":{\"schedule\":{\"windows\":[]}}}").check();
        env.awaitJsonPath(t.namespace(), "pgindex/users-email", ".status.phase", "Ready", WAIT);
        assertThat(env.kubectl("get", "pgindex", "users-email", "-n", t.namespace(), "-o",
                "jsonpath={.status.guards}").check().out()).isEmpty();
    }

    @Test
    void shouldRefuseMalformedGuardsAtAdmission() {
        E2eEnvironment.Tenant t = env.newTenant("guards-admission");
        String base = """
                apiVersion: pgindex.dev/v1alpha1
                kind: PostgresIndex
                metadata:
                  name: bad
                spec:
                  connection:
                    secretName: db-app
                  table: users
                  name: users_email_idx
                  columns:
                    - name: email
                """;
        String[][] cases = {
                {"  blockingSessions:\n    action: Terminate\n", "Cancel and Terminate need at least one of"},
                {"  blockingSessions:\n    action: Kill\n", "spec.blockingSessions.action"},
                {"  blockingSessions:\n    action: Cancel\n    roles: [app]\n    gracePeriod: soon\n",
                        "spec.blockingSessions.gracePeriod"},
                {"  replicaLag: {}\n", "replicaLag needs maxLag, maxBytes or both"},
                {"  replicaLag:\n    maxBytes: 1GB\n", "spec.replicaLag.maxBytes"},
                {"  buildSettings:\n    maintenanceWorkMem: lots\n", "spec.buildSettings.maintenanceWorkMem"},
                {"  buildSettings:\n    maxParallelMaintenanceWorkers: 100\n",
                        "spec.buildSettings.maxParallelMaintenanceWorkers"},
        };
        for (String[] c : cases) {
            Cli.Result r = env.apply(t.namespace(), base + c[0]);
            assertThat(r.exit()).as(c[0] + r).isNotZero();
            assertThat(r.toString()).as(c[0]).contains(c[1]);
        }
        Cli.Result ok = env.apply(t.namespace(), base + "  blockingSessions:\n    action: Terminate\n"
                + "    applicationNames: [report-*]\n  replicaLag:\n    maxBytes: 1Gi\n  buildSettings:\n"
                + "    maintenanceWorkMem: 256MB\n");
        assertThat(ok.exit()).as(ok.toString()).isZero();
    }

    static String explain(String field) {
        return env.kubectl("explain", field).check().out().replaceAll("\\s+", " ");
    }

    @Test
    void shouldExplainTheScheduleFields() {
        assertThat(explain("postgresindex.spec.schedule.windows"))
                .contains("WaitingForWindow", "pgindex.maintenance-windows");
        assertThat(explain("postgresindex.spec.schedule.windows.timeZone"))
                .contains("IANA time zone");
        assertThat(explain("postgresindex.status.guards.eta"))
                .contains("measured progress rate");
    }
}
