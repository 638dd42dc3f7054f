package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.pgindex.operator.e2e.KubectlUserJourneyIT.createShopTables;
import static dev.pgindex.operator.e2e.KubectlUserJourneyIT.manifest;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the README promises, as a user meets it through kubectl and a GitOps tool: a person's index is never
 * dropped, each rebuild gets the whole retry budget, kstatus never reads a spec as handled before it was, and a
 * namespace deletion that leaves an index behind says so where a person will look.
 */
class PromisesIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    @Test
    void shouldNotDropAPersonsIndexThatReusesTheNameWhenTheResourceIsDeleted() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("person");
        createShopTables(t);
        exec(t.db(), "ALTER TABLE users ADD COLUMN nickname text");
        env.apply(t.namespace(), manifest("idx", "users", "users_email_idx", "  reclaimPolicy: Delete\n")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);

        exec(t.db(), "DROP INDEX users_email_idx", "CREATE INDEX users_email_idx ON users (nickname)");
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Stalled\")].reason",
                "DefinitionConflict", WAIT);
        String message = env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o",
                "jsonpath={.status.conditions[?(@.type==\"Stalled\")].message}").check().out();
        assertThat(message).contains("columns: existing nickname, wanted email")
                .contains("Existing: CREATE INDEX users_email_idx ON public.users USING btree (nickname)");

        assertThat(env.kubectl("delete", "pgindex", "idx", "-n", t.namespace(), "--timeout=60s").exit()).isZero();
        assertThat(scalar(t.db(), "SELECT pg_get_indexdef('users_email_idx'::regclass)"))
                .isEqualTo("CREATE INDEX users_email_idx ON public.users USING btree (nickname)");
    }

    @Test
    void shouldGiveARebuildAfterReadyTheWholeRetryBudget() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("budget");
        createShopTables(t);
        env.apply(t.namespace(), manifest("idx", "users", "users_email_idx", "  retryLimit: 1\n")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);

        // an open snapshot (on another table) makes every concurrent build wait for it before it can finish
        try (TestPostgres.OpenTransaction snapshot = TestPostgres.openTransaction(t.db(), "reporting",
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM orders")) {
            exec(t.db(), "DROP INDEX users_email_idx"); // out of band; the resync rebuilds it
            env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Reconciling\")].reason",
                    "WaitingForTransactions", WAIT);
            String builder = env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o",
                    "jsonpath={.status.build.builderPid}").check().out();
            exec(t.db(), "SELECT pg_cancel_backend(" + builder + ")");
            env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.lastError.reason", "Cancelled", WAIT);
            snapshot.connection().rollback();
        }
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);
        assertThat(env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o", "jsonpath={.status.attempts}")
                .check().out()).isEqualTo("2");
        assertThat(env.kubectl("get", "events", "-n", t.namespace(), "--field-selector",
                "reason=RetryLimitExceeded", "-o", "name").check().out()).isBlank();
    }

    @Test
    void kstatusShouldSeeANewResourceAsInProgressUntilTheOperatorHasLookedAtIt() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("kstatus-new");
        createShopTables(t);
        env.operator.stop();
        try {
            env.apply(t.namespace(), manifest("idx", "users", "users_email_idx", "")).check();
            assertThat(env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o",
                    "jsonpath={.status.observedGeneration}").check().out()).isEqualTo("-1");
            assertThat(env.kstatus(t.namespace(), "pgindex/idx")).isEqualTo("InProgress");
        } finally {
            env.restartOperator(Map.of(), env.operatorKubeconfig);
        }
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);
        assertThat(env.kstatus(t.namespace(), "pgindex/idx")).isEqualTo("Current");
    }

    @Test
    void kstatusShouldSeeASpecEditedWhileTheDatabaseIsUnreachableAsInProgress() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("kstatus-edit");
        createShopTables(t);
        env.apply(t.namespace(), manifest("idx", "users", "users_email_idx", "")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);
        assertThat(env.kstatus(t.namespace(), "pgindex/idx")).isEqualTo("Current");

        int closed = ControlPlane.freePort();
        pointSecretAt(t, closed);
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.lastError.reason", "ConnectionLost", WAIT);
        // the index was valid when last seen for this spec: an outage does not change that
        assertThat(env.kstatus(t.namespace(), "pgindex/idx")).isEqualTo("Current");

        env.kubectl("patch", "pgindex", "idx", "-n", t.namespace(), "--type=merge", "-p",
                "{\"spec\":{\"retryLimit\":5}}").check();
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Reconciling\")].observedGeneration",
                "2", WAIT);
        Instant end = Instant.now().plusSeconds(8); // several reconciles while the database stays away
        while (Instant.now().isBefore(end)) {
            assertThat(env.kstatus(t.namespace(), "pgindex/idx")).isEqualTo("InProgress");
            OperatorProcess.sleep(1000);
        }
        assertThat(env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o",
                "jsonpath={.status.conditions[?(@.type==\"Reconciling\")].reason}").check().out())
                .isEqualTo("DatabaseUnreachable");

        pointSecretAt(t, t.db().port());
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Ready\")].status", "True", WAIT);
        assertThat(env.kstatus(t.namespace(), "pgindex/idx")).isEqualTo("Current");
        assertThat(env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o",
                "jsonpath={.status.observedGeneration}").check().out()).isEqualTo("2");
    }

    @Test
    void shouldRecordDropAbandonedOnTheOperatorPodWhenATerminatingNamespaceRefusesEvents() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("abandon");
        int closed = ControlPlane.freePort();
        pointSecretAt(t, closed);
        env.apply(t.namespace(), manifest("idx", "users", "users_email_idx", "  reclaimPolicy: Delete\n")).check();
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Reconciling\")].reason",
                "DatabaseUnreachable", WAIT);

        Cli.Result del = env.kubectl("delete", "namespace", t.namespace(), "--timeout=120s");
        assertThat(del.exit()).as(del.toString()).isZero();
        String events = env.kubectl("get", "events", "-n", E2eEnvironment.OPERATOR_NS, "--field-selector",
                "reason=DropAbandoned", "-o", "jsonpath={range .items[*]}{.type} {.involvedObject.kind}/"
                        + "{.involvedObject.name} {.message}{\"\\n\"}{end}").check().out();
        assertThat(events).contains("Warning Pod/pgindex-operator-e2e PostgresIndex " + t.namespace()
                + "/idx: gave up cleaning up public.users_email_idx");
        assertThat(env.operator.logText()).contains("DropAbandoned");
    }

    /** Points the tenant's connection Secret at another port of the same host (a closed one: unreachable). */
    static void pointSecretAt(E2eEnvironment.Tenant t, int port) {
        env.kubectl("patch", "secret", "db-app", "-n", t.namespace(), "--type=merge", "-p",
                "{\"stringData\":{\"port\":\"" + port + "\",\"uri\":\"postgresql://" + t.db().user() + ":"
                        + t.db().password() + "@127.0.0.1:" + port + "/" + t.db().database() + "\"}}").check();
    }
}
