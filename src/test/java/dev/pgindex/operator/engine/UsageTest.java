package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.UsageStatus;
import dev.pgindex.operator.decide.UsageReplica;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.Json;
import dev.pgindex.operator.support.StreamingStandby;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage on real PostgreSQL: the counters move with real index scans (forced with enable_seqscan off), survive a
 * statistics reset, are summed over a primary and its streaming standby, and are read and written at most once
 * per usage interval.
 */
class UsageTest {
    static ConnectionInfo usersTable(ConnectionInfo db) {
        exec(db, "CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 2000) g");
        return db;
    }

    /** Runs {@code n} index scans of users_email_idx in one session, then waits until the server counts them. */
    static void scan(ConnectionInfo db, int n) throws Exception {
        long before = idxScan(db);
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            s.execute("SET enable_bitmapscan = off");
            for (int i = 0; i < n; i++) {
                try (ResultSet rs = s.executeQuery("SELECT id FROM users WHERE email = 'user" + (i + 1)
                        + "@example.com'")) {
                    rs.next();
                }
            }
        } // the backend flushes its statistics when it ends
        waitFor(db, before + n);
    }

    static long idxScan(ConnectionInfo db) {
        String v = scalar(db, "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'users_email_idx'");
        return v == null ? 0 : Long.parseLong(v);
    }

    static void waitFor(ConnectionInfo db, long scans) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(20);
        while (idxScan(db) != scans) {
            assertThat(Instant.now()).as("idx_scan reaches " + scans + " (now " + idxScan(db) + ")").isBefore(end);
            Thread.sleep(100);
        }
    }

    static EngineHarness ready(ConnectionInfo db, Duration usageInterval) throws Exception {
        EngineHarness h = new EngineHarness("users-email", db, EngineHarness.spec("users", "users_email_idx", "email"));
        h.engine().usageDefaults(usageInterval, Duration.ofDays(30));
        h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && s.getUsage() != null, Duration.ofSeconds(30));
        return h;
    }

    @Test
    void shouldCountRealIndexScansAndKeepThemAcrossAStatisticsReset() throws Exception {
        ConnectionInfo db = usersTable(TestPostgres.newDatabase());
        try (EngineHarness h = ready(db, Duration.ZERO)) {
            UsageStatus u = h.status.getUsage();
            assertThat(u.getSizeBytes()).isPositive();
            assertThat(u.getSize()).endsWith("KiB");
            assertThat(u.getScans()).isZero();
            assertThat(u.getCountingSince()).as("counted from our build").isEqualTo(h.status.getBuild().getFinishedAt());
            assertThat(u.getEnforces()).isNull();

            scan(db, 3);
            h.reconcile();
            u = h.status.getUsage();
            assertThat(u.getScans()).isEqualTo(3);
            assertThat(u.getLastUsed()).as("last_idx_scan (16+)").isNotNull();

            exec(db, "SELECT pg_stat_reset_single_table_counters('users_email_idx'::regclass)");
            waitFor(db, 0);
            h.reconcile();
            assertThat(h.status.getUsage().getScans()).as("a reset never makes usage go down").isEqualTo(3);

            scan(db, 2);
            h.reconcile();
            assertThat(h.status.getUsage().getScans()).as("3 before the reset, 2 since").isEqualTo(5);
            assertThat(Conditions.isTrue(h.status, ConditionType.READY)).isTrue();
            System.out.println("usage after scans and a reset: " + Json.write(h.status.getUsage()));
        }
    }

    @Test
    void shouldFlagAnUnscannedIndexAfterItsThresholdWithoutTouchingReady() throws Exception {
        ConnectionInfo db = usersTable(TestPostgres.newDatabase());
        EngineHarness h = new EngineHarness("users-email", db, EngineHarness.spec("users", "users_email_idx", "email"));
        try (h) {
            h.engine().usageDefaults(Duration.ZERO, Duration.ofMillis(1));
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && s.getUsage() != null,
                    Duration.ofSeconds(30));
            Thread.sleep(5);
            h.reconcile();
            assertThat(h.status.getUsage().getUnusedSince()).as("unused for over 1ms: " + Json.write(h.status))
                    .isEqualTo(h.status.getUsage().getCountingSince());
            assertThat(Conditions.isTrue(h.status, ConditionType.READY)).as("unused never changes Ready").isTrue();
            h.spec.setUsage(new dev.pgindex.operator.api.v1alpha1.UsageSpec());
            h.spec.getUsage().setUnusedAfter("24h");
            h.reconcile();
            assertThat(h.status.getUsage().getUnusedSince()).as("spec.usage.unusedAfter overrides").isNull();
        }
    }

    /** Status changes (and so writes) of a Ready index with counters moving all the time, resynced every 5 minutes. */
    static int statusChanges(ConnectionInfo db, Duration usageInterval, int resyncs) throws Exception {
        try (EngineHarness h = ready(db, usageInterval)) {
            MutableClock clock = new MutableClock(Instant.now());
            h.engine().withClock(clock);
            h.reconcile();
            int changes = 0;
            for (int i = 0; i < resyncs; i++) {
                scan(db, 1);
                clock.now = clock.now.plus(Duration.ofMinutes(5));
                PostgresIndexStatus before = StatusCopies.copy(h.status);
                h.reconcile();
                if (!StatusCopies.same(before, h.status)) {
                    changes++;
                }
            }
            return changes;
        }
    }

    @Test
    void shouldWriteUsageAtMostOncePerUsageIntervalWhileCountersMove() throws Exception {
        int every = statusChanges(usersTable(TestPostgres.newDatabase()), Duration.ZERO, 9);
        int fifteen = statusChanges(usersTable(TestPostgres.newDatabase()), Duration.ofMinutes(15), 9);
        System.out.printf("9 resyncs 5 minutes apart with scans between them: %d status changes with usage read on "
                + "every resync, %d with pgindex.usage-interval=15m%n", every, fifteen);
        assertThat(every).as("the counters moved before every resync").isEqualTo(9);
        assertThat(fifteen).as("45 minutes: one write per 15 minutes").isEqualTo(3);
    }

    @Test
    void shouldSumTheScansOfTheStandbyOnPostgres15WithoutLastIdxScan() throws Exception {
        try (StreamingStandby pair = new StreamingStandby()) {
            ConnectionInfo primary = usersTable(pair.primary());
            try (EngineHarness h = new EngineHarness("users-email", primary,
                    EngineHarness.spec("users", "users_email_idx", "email"))) {
                h.engine().usageDefaults(Duration.ZERO, Duration.ofDays(30));
                h.replicas = List.of(new UsageReplica("db-ro", pair.standby(), null),
                        new UsageReplica("db-gone", null, "Secret default/db-gone not found"));
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && s.getUsage() != null,
                        Duration.ofSeconds(60));
                waitForIndex(pair.standby());
                scan(primary, 2);
                scan(pair.standby(), 5);
                h.reconcile();
                UsageStatus u = h.status.getUsage();
                System.out.println("primary + standby (PostgreSQL 15): " + Json.write(u));
                assertThat(u.getScans()).as("2 on the primary + 5 on the standby").isEqualTo(7);
                assertThat(u.getSources()).extracting(s -> s.getName() + "=" + s.getIdxScan())
                        .containsExactly("primary=2", "db-ro=5");
                assertThat(u.getLastUsed()).as("15: the reading that saw the scans").isEqualTo(u.getReadAt());
                assertThat(u.getUnreadReplicas()).containsExactly("db-gone: Secret default/db-gone not found");
            }
        }
    }

    static void waitForIndex(ConnectionInfo standby) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(30);
        while (scalar(standby, "SELECT to_regclass('public.users_email_idx')") == null) {
            assertThat(Instant.now()).as("the index replays on the standby").isBefore(end);
            Thread.sleep(100);
        }
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
