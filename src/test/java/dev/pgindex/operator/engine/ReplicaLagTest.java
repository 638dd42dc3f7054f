package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.ReplicaLagGateDecisionTest;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.StreamingStandby;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * spec.replicaLag against a real streaming standby (pg_basebackup from the same binaries): with its replay paused
 * and WAL written on the primary the build waits, with the measured lag; resumed, it builds. A role without
 * pg_monitor is told which grant it lacks, with its own name in it.
 */
class ReplicaLagTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static StreamingStandby pair;

    @BeforeAll
    static void start() {
        pair = new StreamingStandby();
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    static PostgresIndexSpec spec(String table, String index) {
        PostgresIndexSpec s = EngineHarness.spec(table, index, "email");
        s.setReplicaLag(ReplicaLagGateDecisionTest.limit(null, "4Mi"));
        return s;
    }

    static String reconcilingReason(dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus s) {
        return Conditions.get(s, ConditionType.RECONCILING).map(c -> c.getReason()).orElse("");
    }

    @Test
    void shouldWaitWhileTheStandbyIsBehindAndBuildOnceItCaughtUp() throws Exception {
        ConnectionInfo primary = pair.primary();
        exec(primary, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20000) g");
        exec(pair.standby(), "SELECT pg_wal_replay_pause()");
        try (EngineHarness h = new EngineHarness("users-email", primary, spec("users", "users_email_idx"))) {
            exec(primary, "CREATE TABLE filler AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 200000) g");
            h.reconcileUntil(s -> Reason.WaitingForReplicaLag.name().equals(reconcilingReason(s)), WAIT);
            String message = Conditions.get(h.status, ConditionType.RECONCILING).orElseThrow().getMessage();
            System.out.println("paused: " + message + " / status.guards.replicaLag: " + h.status.getGuards().getReplicaLag());
            assertThat(message).contains("waits for the standbys to catch up", "MiB behind on ", "(limit 4.0 MiB)");
            assertThat(h.status.getGuards().getReplicaLag()).contains("MiB behind on standby 'walreceiver'");
            assertThat(h.status.getBuild()).as("nothing started").isNull();
            assertThat(scalar(primary, "SELECT count(*) FROM pg_class WHERE relname = 'users_email_idx'")).isEqualTo("0");

            exec(pair.standby(), "SELECT pg_wal_replay_resume()");
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            System.out.println("resumed: " + h.status.getGuards().getReplicaLag());
        }
    }

    @Test
    void shouldNameTheMissingGrantWhenTheRoleCannotReadTheLag() throws Exception {
        ConnectionInfo primary = pair.primary();
        // a role name that needs quoting: the message names it as the GRANT must spell it
        exec(primary, "CREATE ROLE \"pgindex-op\" LOGIN",
                "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL)",
                "ALTER TABLE accounts OWNER TO \"pgindex-op\"", "GRANT CREATE ON SCHEMA public TO \"pgindex-op\"");
        ConnectionInfo asOp = new ConnectionInfo(primary.host(), primary.port(), primary.database(), "pgindex-op",
                null, "disable");
        try (EngineHarness h = new EngineHarness("accounts-email", asOp, spec("accounts", "accounts_email_idx"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), WAIT);
            var stalled = Conditions.get(h.status, ConditionType.STALLED).orElseThrow();
            assertThat(stalled.getReason()).isEqualTo(Reason.InsufficientPrivilege.name());
            assertThat(stalled.getMessage()).contains("cannot read the replication lag",
                    "GRANT pg_monitor TO \"pgindex-op\", or remove spec.replicaLag");

            exec(primary, "GRANT pg_monitor TO \"pgindex-op\"");
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
        }
    }
}
