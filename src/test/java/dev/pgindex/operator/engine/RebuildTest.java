package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.pgindex.operator.engine.FailureRecoveryTest.awaitWaitingBuild;
import static dev.pgindex.operator.engine.IndexLifecycleTest.reason;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/** REINDEX INDEX CONCURRENTLY on request (spec.rebuild), and the cleanup of a failed one's leftovers. */
class RebuildTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (id int PRIMARY KEY, v int)", "INSERT INTO t SELECT g, g FROM generate_series(1, 20000) g");
    }

    @Test
    void shouldReindexOnceForEachRebuildToken() throws Exception {
        try (EngineHarness h = new EngineHarness("r", db, EngineHarness.spec("t", "t_v_idx", "v"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            String before = scalar(db, "SELECT 't_v_idx'::regclass::oid");

            h.spec.setRebuild("2026-11-25");
            h.generation = 2;
            h.reconcile();
            assertThat(reason(h.status, ConditionType.RECONCILING)).isEqualTo(Reason.Rebuilding.name());
            assertThat(h.status.getBuild().getStatement()).isEqualTo("REINDEX INDEX CONCURRENTLY \"public\".\"t_v_idx\"");
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);

            assertThat(h.status.getRebuiltToken()).isEqualTo("2026-11-25");
            assertThat(scalar(db, "SELECT 't_v_idx'::regclass::oid")).isNotEqualTo(before);
            assertThat(scalar(db, "SELECT obj_description('t_v_idx'::regclass, 'pg_class')")).contains(h.uid).contains("adopted=false");
            String after = scalar(db, "SELECT 't_v_idx'::regclass::oid");
            // the same token again does nothing
            h.reconcile();
            h.reconcile();
            assertThat(scalar(db, "SELECT 't_v_idx'::regclass::oid")).isEqualTo(after);
        }
    }

    @Test
    void shouldDropLeftoversOfAKilledReindexAndRetry() throws Exception {
        try (EngineHarness h = new EngineHarness("r", db, EngineHarness.spec("t", "t_v_idx", "v"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            TestPostgres.OpenTransaction writer = TestPostgres.openTransaction(db, "writer", "UPDATE t SET v = v WHERE id = 1");
            h.spec.setRebuild("one");
            h.generation = 2;
            h.reconcile();
            awaitWaitingBuild(db);
            exec(db, "SELECT pg_cancel_backend(" + h.status.getBuild().getBuilderPid() + ")");
            h.reconcileUntil(s -> s.getLastError() != null, WAIT);
            assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname LIKE 't_v_idx_ccnew%'")).isEqualTo("1");
            writer.connection().rollback();
            writer.close();

            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(h.status.getRebuiltToken()).isEqualTo("one");
            assertThat(h.status.getAttempts()).isEqualTo(2);
            assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname ~ '^t_v_idx_cc(new|old)'")).isEqualTo("0");
            assertThat(scalar(db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).isEqualTo("0");
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal CleaningUp") && e.contains("t_v_idx_ccnew"));
        }
    }
}
