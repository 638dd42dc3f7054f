package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator process is killed with SIGKILL while its build waits in PostgreSQL. The next process must find the
 * build still running, wait for it instead of starting a second one, and end with exactly one valid index.
 */
class CrashRecoveryIT {
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    @Test
    void shouldPickUpTheRunningBuildAfterSigkillWithoutStartingAnother() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("crash");
        exec(t.db(), "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 100000) g");
        String pid;
        try (TestPostgres.OpenTransaction blocker = TestPostgres.openTransaction(t.db(), "blocker",
                "UPDATE users SET email = email WHERE id = 1")) {
            env.apply(t.namespace(), KubectlUserJourneyIT.manifest("idx", "users", "users_email_idx", "")).check();
            pid = env.awaitNonEmpty(t.namespace(), "pgindex/idx", ".status.build.builderPid",
                    Duration.ofSeconds(60));
            env.awaitNonEmpty(t.namespace(), "pgindex/idx", ".status.blockedBy", Duration.ofSeconds(60));

            env.operator.kill();
            env.restartOperator(Map.of(), env.operatorKubeconfig);
            env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.conditions[?(@.type==\"Ready\")].message",
                    m -> m.contains("by backend " + pid) && m.contains("never started twice"),
                    "the running build of backend " + pid + " being waited for", Duration.ofSeconds(30));
            assertThat(scalar(t.db(), "SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database()"))
                    .isEqualTo("1");
            blocker.commit();
        }
        env.awaitJsonPath(t.namespace(), "pgindex/idx", ".status.phase", "Ready", Duration.ofSeconds(60));
        assertThat(env.kubectl("get", "pgindex", "idx", "-n", t.namespace(), "-o",
                "jsonpath={.status.attempts} {.status.build.builderPid}").check().out()).isEqualTo("1 " + pid);
        assertThat(scalar(t.db(), "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "WHERE c.relname LIKE 'users_email%'")).isEqualTo("1");
        assertThat(scalar(t.db(), "SELECT count(*) FROM pg_index WHERE NOT (indisvalid AND indisready AND indislive)"))
                .isEqualTo("0");
        assertThat(scalar(t.db(), "SELECT obj_description('users_email_idx'::regclass, 'pg_class')"))
                .contains("adopted=false");
    }
}
