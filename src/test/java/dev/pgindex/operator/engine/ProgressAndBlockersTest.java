package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/** Live progress from pg_stat_progress_create_index, and the sessions a build waits for. */
class ProgressAndBlockersTest {
    @Test
    void shouldReportProgressRisingThroughPhasesToReady() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE events (id bigserial PRIMARY KEY, payload text)",
                "INSERT INTO events (payload) SELECT md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 1500000) g");
        try (EngineHarness h = new EngineHarness("big", db, EngineHarness.spec("events", "events_payload_idx", "payload"))) {
            List<Integer> percents = new ArrayList<>();
            Set<String> phases = new LinkedHashSet<>();
            h.reconcile();
            while (!Conditions.isTrue(h.status, ConditionType.READY)) {
                Thread.sleep(50);
                h.reconcile();
                if (h.status.getProgress() != null) {
                    percents.add(h.status.getProgress().getPercent());
                    phases.add(h.status.getProgress().getPhase());
                }
            }
            assertThat(percents).isSorted();
            assertThat(phases).as("phases seen: %s", phases)
                    .anyMatch(p -> p.startsWith("building index"))
                    .anyMatch(p -> p.startsWith("index validation") || p.startsWith("waiting for"));
            assertThat(percents.stream().filter(p -> p > 0 && p < 100).distinct().count()).as("percents %s", percents)
                    .isGreaterThanOrEqualTo(2);
            assertThat(h.status.getProgress().getPercent()).isEqualTo(100);
            assertThat(h.status.getProgress().getDisplay()).isEqualTo("100%");
            assertThat(h.status.getProgress().getPhase()).isEqualTo("done");
            System.out.println("progress phases " + phases + " percents " + percents.stream().distinct().toList());
        }
    }

    @Test
    void shouldNameTheBlockingTransactionAndFinishOnceItEnds() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE accounts (id int PRIMARY KEY, balance int)",
                "INSERT INTO accounts SELECT g, g FROM generate_series(1, 10000) g");
        try (TestPostgres.OpenTransaction blocker = TestPostgres.openTransaction(db, "nightly-report",
                "UPDATE accounts SET balance = balance + 1 WHERE id = 42");
                EngineHarness h = new EngineHarness("blocked", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            int blockerPid = blocker.pid();
            PostgresIndexStatus st = h.reconcileUntil(s -> s.getBlockers() != null
                    && h.events.stream().anyMatch(e -> e.startsWith("Warning BuildBlocked")), Duration.ofSeconds(20));

            assertThat(st.getBlockers()).hasSize(1);
            assertThat(st.getBlockers().get(0).getPid()).isEqualTo(blockerPid);
            assertThat(st.getBlockers().get(0).getApplicationName()).isEqualTo("nightly-report");
            assertThat(st.getBlockers().get(0).getState()).isEqualTo("idle in transaction");
            assertThat(st.getBlockers().get(0).getQuery()).isEqualTo("UPDATE accounts SET balance = balance + 1 WHERE id = 42");
            assertThat(st.getBlockers().get(0).getWaitingOn()).isEqualTo("virtualxid");
            assertThat(st.getBlockers().get(0).getTransactionAgeSeconds()).isNotNull();
            assertThat(st.getBlockedBy()).startsWith("pid " + blockerPid + " (idle in transaction")
                    .contains("app nightly-report").contains("UPDATE accounts");
            assertThat(Conditions.get(st, ConditionType.RECONCILING).orElseThrow().getReason())
                    .isEqualTo(Reason.WaitingForTransactions.name());
            assertThat(Conditions.get(st, ConditionType.READY).orElseThrow().getMessage()).contains("pid " + blockerPid);
            assertThat(st.getProgress().getPhase()).isEqualTo("waiting for writers before build");
            assertThat(h.events.stream().filter(e -> e.startsWith("Warning BuildBlocked")).count()).isEqualTo(1);

            blocker.commit();
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), Duration.ofSeconds(20));
            assertThat(h.status.getBlockers()).isNull();
            assertThat(h.status.getBlockedBy()).isNull();
        }
    }

    @Test
    void shouldSayWhichGrantIsMissingWhenBlockerQueriesAreHidden() throws Exception {
        ConnectionInfo admin = TestPostgres.newDatabase();
        exec(admin, "DO $$ BEGIN CREATE ROLE pgindex_op LOGIN PASSWORD 'op'; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC", // the default from PostgreSQL 15 on
                "CREATE TABLE accounts (id int PRIMARY KEY, balance int)", "ALTER TABLE accounts OWNER TO pgindex_op",
                "INSERT INTO accounts SELECT g, g FROM generate_series(1, 1000) g");
        ConnectionInfo asOperator = new ConnectionInfo(admin.host(), admin.port(), admin.database(), "pgindex_op", "op", "disable");
        try (EngineHarness h = new EngineHarness("noschema", asOperator, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), Duration.ofSeconds(20));
            assertThat(Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage())
                    .contains("role pgindex_op lacks CREATE on schema public").contains("GRANT CREATE ON SCHEMA public TO pgindex_op");
            assertThat(h.status.getAttempts()).isNull(); // found before any build was started
        }
        exec(admin, "GRANT CREATE ON SCHEMA public TO pgindex_op");
        try (Connection blocker = TestPostgres.connect(admin);
                EngineHarness h = new EngineHarness("hidden", asOperator, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("UPDATE accounts SET balance = 0 WHERE id = 1");
            }
            PostgresIndexStatus st = h.reconcileUntil(s -> s.getBlockers() != null, Duration.ofSeconds(20));
            assertThat(st.getBlockers().get(0).getQuery()).isEqualTo("<insufficient privilege>");
            assertThat(st.getBlockedBy()).contains("grant pg_read_all_stats");
            blocker.rollback();
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), Duration.ofSeconds(20));
        }
    }
}
