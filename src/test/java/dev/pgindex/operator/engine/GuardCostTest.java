package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.BlockerAction;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.decide.BlockingSessionsDecisionTest;
import dev.pgindex.operator.decide.ReplicaLagGateDecisionTest;
import dev.pgindex.operator.decide.WindowGateDecisionTest;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guards cost nothing in the steady state: a Ready index with every guard configured (an always-open window,
 * a replica lag limit, a Terminate policy for blocking sessions) runs exactly as many transactions and sessions
 * per reconcile as one without any, counted by PostgreSQL itself (pg_stat_database of a database of its own).
 */
class GuardCostTest {
    static final int RECONCILES = 10;

    static ConnectionInfo database() {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 1000) g");
        return db;
    }

    /** Transactions committed and sessions opened in {@code db} by {@link #RECONCILES} reconciles of a Ready index. */
    static long[] steadyState(ConnectionInfo db, PostgresIndexSpec spec) throws Exception {
        try (EngineHarness h = new EngineHarness("users-email", db, spec)) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), Duration.ofSeconds(30));
            return counted(db, h, RECONCILES, h::reconcile);
        }
    }

    /** One step of a counted steady state: a reconcile, with whatever the test does before it. */
    interface Step {
        void run() throws Exception;
    }

    /**
     * Transactions committed and sessions opened in {@code db} while {@code step} runs {@code times} times, counted
     * by PostgreSQL with autovacuum paused; the index is still Ready at the end.
     */
    static long[] counted(ConnectionInfo db, EngineHarness h, int times, Step step) throws Exception {
        try (AutovacuumPaused paused = new AutovacuumPaused(db)) {
            long[] before = counters(db);
            for (int i = 0; i < times; i++) {
                step.run();
            }
            assertThat(Conditions.isTrue(h.status, ConditionType.READY)).isTrue();
            long[] after = counters(db);
            return new long[] {after[0] - before[0], after[1] - before[1]};
        }
    }

    /**
     * Pauses autovacuum on the shared test server while a count runs: a worker's visit to a database commits
     * transactions of its own there (four on the first visit to a new database, two on each later one, about once
     * a minute; seen on PostgreSQL 15), which pg_stat_database counts with the operator's. Set from the postgres
     * database, so the count of the measured one is untouched; reset on close.
     */
    private static final class AutovacuumPaused implements AutoCloseable {
        private final ConnectionInfo admin;

        AutovacuumPaused(ConnectionInfo db) throws InterruptedException {
            admin = new ConnectionInfo(db.host(), db.port(), "postgres", db.user(), db.password(), db.sslMode());
            exec(admin, "ALTER SYSTEM SET autovacuum = off", "SELECT pg_reload_conf()");
            Thread.sleep(1000); // the launcher starts no new worker; one already running ends its short visit
        }

        @Override
        public void close() {
            exec(admin, "ALTER SYSTEM RESET autovacuum", "SELECT pg_reload_conf()");
        }
    }

    /** xact_commit and sessions of the database, once the sessions that ran have flushed their statistics. */
    static long[] counters(ConnectionInfo db) throws InterruptedException {
        Thread.sleep(1500);
        List<String> row = query(db, "SELECT xact_commit, sessions FROM pg_stat_database WHERE datname = current_database()")
                .get(0);
        return new long[] {Long.parseLong(row.get(0)), Long.parseLong(row.get(1))};
    }

    @Test
    void aReadyIndexWithEveryGuardConfiguredCostsWhatOneWithoutCosts() throws Exception {
        long[] plain = steadyState(database(), EngineHarness.spec("users", "users_email_idx", "email"));

        PostgresIndexSpec guarded = EngineHarness.spec("users", "users_email_idx", "email");
        WindowGateDecisionTest.windows(WindowGateDecisionTest.window(null, "00:00", "24h", "Europe/Berlin"))
                .accept(guarded);
        guarded.setReplicaLag(ReplicaLagGateDecisionTest.limit("30s", "1Gi"));
        guarded.setBlockingSessions(BlockingSessionsDecisionTest.policy(BlockerAction.Terminate, "1m",
                List.of("nightly-*"), null, null));
        long[] withGuards = steadyState(database(), guarded);

        System.out.printf("%d reconciles of a Ready index: %d transactions / %d sessions without guards, %d / %d "
                + "with every guard%n", RECONCILES, plain[0], plain[1], withGuards[0], withGuards[1]);
        assertThat(plain[0]).as("the count works").isGreaterThan(0);
        // the counting query itself is one transaction and one session each time, on both sides
        assertThat(withGuards).containsExactly(plain);
    }
}
