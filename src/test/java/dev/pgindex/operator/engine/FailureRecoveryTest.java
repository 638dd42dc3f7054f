package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.Json;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import static dev.pgindex.operator.engine.IndexLifecycleTest.ready;
import static dev.pgindex.operator.engine.IndexLifecycleTest.reason;
import static dev.pgindex.operator.engine.IndexLifecycleTest.stalled;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/** Failed builds: unique violations, killed builders, restarts mid-build, limits and deadlines. */
class FailureRecoveryTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text, balance int)",
                "INSERT INTO accounts (email, balance) SELECT 'a' || g || '@example.com', g FROM generate_series(1, 20000) g");
    }

    /** Holds a row lock in an open transaction, so CREATE INDEX CONCURRENTLY waits in "waiting for writers". */
    static Connection openWriter(ConnectionInfo db, String table) throws Exception {
        Connection c = TestPostgres.connect(db);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("UPDATE " + table + " SET id = id WHERE id = 1");
        }
        return c;
    }

    static void awaitWaitingBuild(ConnectionInfo db) throws Exception {
        Instant end = Instant.now().plusSeconds(20);
        while (!"1".equals(scalar(db, "SELECT count(*) FROM pg_stat_progress_create_index "
                + "WHERE phase LIKE 'waiting%' AND datname = current_database()"))) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("the build never reached a wait phase");
            }
            Thread.sleep(50);
        }
    }

    static String invalidIndexes(ConnectionInfo db) {
        return scalar(db, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "WHERE NOT (indisvalid AND indisready AND indislive) OR c.relname ~ '_cc(new|old)[0-9]*$'");
    }

    @Test
    void shouldStallOnUniqueViolationDropLeftoverAndRecoverWhenDuplicatesAreGone() throws Exception {
        exec(db, "INSERT INTO accounts (email, balance) VALUES ('a7@example.com', 0)");
        PostgresIndexSpec spec = EngineHarness.spec("accounts", "accounts_email_key", "email");
        spec.setUnique(true);
        try (EngineHarness h = new EngineHarness("unique", db, spec)) {
            h.reconcileUntil(s -> stalled(s) && s.getIndex() == null && !"1".equals(invalidIndexes(db)), WAIT);

            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.UniqueViolation.name());
            assertThat(h.status.getLastError().getSqlState()).isEqualTo("23505");
            assertThat(h.status.getLastError().getMessage()).contains("a7@example.com").contains("is duplicated");
            assertThat(h.status.getNextAttemptAt()).isNotNull();
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning UniqueViolation"));
            // the invalid leftover (which would still reject writes) is gone
            h.reconcileUntil(s -> "0".equals(invalidIndexes(db)) && stalled(s), WAIT);
            assertThat(scalar(db, "SELECT to_regclass('accounts_email_key')")).isNull();

            exec(db, "DELETE FROM accounts WHERE balance = 0");
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getLastError()).isNull();
            assertThat(scalar(db, "SELECT indisunique FROM pg_index WHERE indexrelid = 'accounts_email_key'::regclass")).isEqualTo("t");
        }
    }

    @Test
    void shouldDropLeftoverAndRebuildWhenBuilderBackendIsTerminated() throws Exception {
        try (EngineHarness h = new EngineHarness("killed", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            Connection writer = openWriter(db, "accounts");
            h.reconcile();
            assertThat(h.status.getPhase()).isEqualTo(Phase.Building);
            int pid = h.status.getBuild().getBuilderPid();
            awaitWaitingBuild(db);
            assertThat(scalar(db, "SELECT pg_terminate_backend(" + pid + ")")).isEqualTo("t");
            writer.rollback();
            writer.close();

            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getAttempts()).isEqualTo(2);
            assertThat(h.status.getBuild().getBuilderPid()).isNotEqualTo(pid);
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning ServerShutdown") && e.contains("57P01"));
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal CleaningUp"));
            assertThat(invalidIndexes(db)).isEqualTo("0");
        }
    }

    @Test
    void shouldWaitForRunningBuildAfterRestartInsteadOfStartingAnother() throws Exception {
        try (EngineHarness h = new EngineHarness("restart", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            Connection writer = openWriter(db, "accounts");
            h.reconcile();
            int pid = h.status.getBuild().getBuilderPid();
            awaitWaitingBuild(db);

            h.restartOperator();
            for (int i = 0; i < 5; i++) {
                h.reconcile();
                // the build found running is reported (here: blocked by our writer), never started again
                assertThat(reason(h.status, ConditionType.RECONCILING)).isEqualTo(Reason.WaitingForTransactions.name());
                assertThat(Conditions.get(h.status, ConditionType.READY).orElseThrow().getMessage())
                        .contains("by backend " + pid).contains("never started twice");
                assertThat(scalar(db, "SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database()")).isEqualTo("1");
                assertThat(scalar(db, "SELECT pid FROM pg_stat_progress_create_index WHERE datname = current_database()")).isEqualTo(String.valueOf(pid));
            }
            writer.rollback();
            writer.close();

            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getAttempts()).isEqualTo(1);
            assertThat(h.status.getIndex().getAdopted()).isFalse();
            assertThat(scalar(db, "SELECT obj_description('accounts_balance_idx'::regclass, 'pg_class')")).contains(h.uid);
        }
    }

    @Test
    void shouldCleanUpAfterRestartWhenTheOrphanedBuildFailed() throws Exception {
        try (EngineHarness h = new EngineHarness("orphan", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            Connection writer = openWriter(db, "accounts");
            h.reconcile();
            int pid = h.status.getBuild().getBuilderPid();
            awaitWaitingBuild(db);
            h.restartOperator();
            exec(db, "SELECT pg_cancel_backend(" + pid + ")");
            writer.rollback();
            writer.close();
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getAttempts()).isEqualTo(2);
            assertThat(invalidIndexes(db)).isEqualTo("0");
        }
    }

    @Test
    void shouldStallWithRetryLimitExceededAfterTooManyFailures() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("accounts", "accounts_balance_idx", "balance");
        spec.setRetryLimit(0);
        try (EngineHarness h = new EngineHarness("limit", db, spec)) {
            Connection writer = openWriter(db, "accounts");
            h.reconcile();
            awaitWaitingBuild(db);
            exec(db, "SELECT pg_cancel_backend(" + h.status.getBuild().getBuilderPid() + ")");
            h.reconcileUntil(s -> s.getLastError() != null, WAIT);
            writer.rollback(); // DROP INDEX CONCURRENTLY of the leftover waits for this writer too
            writer.close();
            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.RetryLimitExceeded.name());
            assertThat(h.status.getLastError().getReason()).isEqualTo(Reason.Cancelled);
            assertThat(h.status.getLastError().getSqlState()).isEqualTo("57014");
            assertThat(invalidIndexes(db)).isEqualTo("0");
            // no hot loop: a stalled resource asks for no further reconcile by itself
            assertThat(h.reconcile().requeueAfter()).isNull();

            // raising the limit (a spec change, so a new generation) resumes
            h.spec.setRetryLimit(2);
            h.generation = 2;
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
        }
    }

    @Test
    void shouldCancelBuildAtDeadlineAndRecordIt() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("accounts", "accounts_balance_idx", "balance");
        spec.setBuildDeadline("1s");
        spec.setRetryLimit(0);
        try (EngineHarness h = new EngineHarness("deadline", db, spec)) {
            Connection writer = openWriter(db, "accounts");
            h.reconcileUntil(s -> s.getLastError() != null, WAIT);
            writer.rollback();
            writer.close();
            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);
            assertThat(h.status.getLastError().getReason()).isEqualTo(Reason.BuildDeadlineExceeded);
            assertThat(h.status.getLastError().getMessage()).contains("statement timeout");
        }
    }

    @Test
    void shouldNeverRunTwoBuildsOnOneTable() throws Exception {
        try (EngineHarness a = new EngineHarness("a", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"));
                EngineHarness b = new EngineHarness("b", db, EngineHarness.spec("accounts", "accounts_email_idx", "email"))) {
            Connection writer = openWriter(db, "accounts");
            a.reconcile();
            awaitWaitingBuild(db);
            b.reconcile();
            assertThat(reason(b.status, ConditionType.RECONCILING)).isEqualTo(Reason.WaitingForBuildSlot.name());
            assertThat(b.status.getAttempts()).isNull();
            assertThat(scalar(db, "SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database()")).isEqualTo("1");
            writer.rollback();
            writer.close();
            a.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            b.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(invalidIndexes(db)).isEqualTo("0");
        }
    }

    @Test
    void shouldLimitBuildsPerDatabaseAcrossTables() throws Exception {
        exec(db, "CREATE TABLE other (id int, v int)");
        try (EngineHarness a = new EngineHarness("a", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"));
                EngineHarness b = new EngineHarness("b", db, EngineHarness.spec("other", "other_v_idx", "v"))) {
            Connection writer = openWriter(db, "accounts");
            a.reconcile();
            awaitWaitingBuild(db);
            b.reconcile();
            assertThat(reason(b.status, ConditionType.RECONCILING)).isEqualTo(Reason.WaitingForBuildSlot.name());
            writer.rollback();
            writer.close();
            a.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            b.reconcileUntil(IndexLifecycleTest::ready, WAIT);
        }
    }

    @Test
    void shouldStartAQueuedBuildWhenThisProcesssBuildEndsNotOnItsNextPoll() throws Exception {
        exec(db, "CREATE TABLE other (id int, v int)");
        try (EngineHarness a = new EngineHarness("a", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"));
                EngineHarness b = new EngineHarness("b", db, EngineHarness.spec("other", "other_v_idx", "v"), a)) {
            Connection writer = openWriter(db, "accounts");
            a.reconcile();
            awaitWaitingBuild(db);
            Outcome queued = b.reconcile();
            assertThat(reason(b.status, ConditionType.RECONCILING)).isEqualTo(Reason.WaitingForBuildSlot.name());
            assertThat(queued.requeueAfter()).as("queued behind this process's own build: woken, hardly polls")
                    .isEqualTo(EngineHarness.FAST.buildPollInterval().multipliedBy(Actor.SLOT_QUEUE_POLL_FACTOR));
            String before = Json.write(b.status);
            assertThat(Json.write(b.reconcile().status())).as("a poll while queued changes nothing").isEqualTo(before);
            assertThat(b.wakeUps.get()).isZero();
            writer.rollback();
            writer.close();
            Instant end = Instant.now().plus(WAIT);
            while (b.wakeUps.get() == 0 && Instant.now().isBefore(end)) {
                Thread.sleep(20);
            }
            assertThat(b.wakeUps.get()).as("b is woken when a's build ends").isEqualTo(1);
            b.reconcile();
            assertThat(b.status.getBuild()).as("b's build starts on that wake-up").isNotNull();
            a.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            b.reconcileUntil(IndexLifecycleTest::ready, WAIT);
        }
    }

    @Test
    void shouldCancelInFlightBuildAndDropLeftoverWhenDeleted() throws Exception {
        try (EngineHarness h = new EngineHarness("del", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            Connection writer = openWriter(db, "accounts");
            h.reconcile();
            awaitWaitingBuild(db);
            assertThat(h.delete(Instant.now()).done()).isFalse(); // cancels the build
            writer.rollback();
            writer.close();
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT to_regclass('accounts_balance_idx')")).isNull();
            assertThat(invalidIndexes(db)).isEqualTo("0");
        }
    }

    @Test
    void shouldReportDatabaseUnreachableAndRecover() throws Exception {
        try (EngineHarness h = new EngineHarness("down", db, EngineHarness.spec("accounts", "accounts_balance_idx", "balance"))) {
            ConnectionInfo good = h.connection;
            h.connection = new ConnectionInfo("127.0.0.1", 1, good.database(), "postgres", "x", "disable");
            h.reconcile();
            assertThat(reason(h.status, ConditionType.RECONCILING)).isEqualTo(Reason.DatabaseUnreachable.name());
            assertThat(Conditions.isTrue(h.status, ConditionType.STALLED)).isFalse();
            h.connection = good;
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
        }
    }

    /** Cancels the builder of the episode in flight while it waits behind an open writer, then lets it go. */
    void cancelOneBuildOf(EngineHarness h, String operation) throws Exception {
        try (Connection writer = openWriter(db, "accounts")) {
            h.reconcileUntil(s -> s.getBuild() != null && operation.equals(s.getBuild().getOperation())
                    && s.getBuild().getFinishedAt() == null, WAIT);
            awaitWaitingBuild(db);
            exec(db, "SELECT pg_cancel_backend(" + h.status.getBuild().getBuilderPid() + ")");
            h.reconcileUntil(s -> s.getLastError() != null, WAIT);
            writer.rollback();
        }
    }

    @Test
    void shouldGiveADriftRebuildTheWholeRetryBudget() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("accounts", "accounts_email_idx", "email");
        spec.setRetryLimit(1);
        try (EngineHarness h = new EngineHarness("episodes", db, spec)) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getAttempts()).isEqualTo(1);

            for (int episode = 1; episode <= 2; episode++) {
                exec(db, "DROP INDEX accounts_email_idx"); // out of band
                cancelOneBuildOf(h, "Build");
                assertThat(stalled(h.status)).as("episode %d: one failure of a budget of one retry", episode)
                        .isFalse();
                h.reconcileUntil(s -> ready(s) || stalled(s), WAIT);
                assertThat(ready(h.status)).as("episode %d ends Ready: %s", episode, h.status.getConditions()).isTrue();
                assertThat(h.status.getAttempts()).as("the last episode's count stays visible").isEqualTo(2);
            }
        }
    }

    @Test
    void shouldGiveARequestedRebuildTheWholeRetryBudget() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("accounts", "accounts_email_idx", "email");
        spec.setRetryLimit(1);
        try (EngineHarness h = new EngineHarness("episodes", db, spec)) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            h.spec.setRebuild("first");
            h.generation = 2;
            cancelOneBuildOf(h, "Reindex");
            assertThat(stalled(h.status)).isFalse();
            h.reconcileUntil(s -> (ready(s) && "first".equals(s.getRebuiltToken())) || stalled(s), WAIT);
            assertThat(ready(h.status)).as("%s", h.status.getConditions()).isTrue();

            // a second token on the same generation's budget would have been spent: it gets its own
            h.spec.setRebuild("second");
            cancelOneBuildOf(h, "Reindex");
            h.reconcileUntil(s -> (ready(s) && "second".equals(s.getRebuiltToken())) || stalled(s), WAIT);
            assertThat(ready(h.status)).as("%s", h.status.getConditions()).isTrue();
            assertThat(h.status.getAttempts()).isEqualTo(2);
        }
    }
}
