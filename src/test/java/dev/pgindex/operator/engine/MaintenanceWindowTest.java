package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.WindowGateDecisionTest;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Maintenance windows in the real engine against a real PostgreSQL, with the engine's clock set by the test: no
 * build outside the window, the build once it opens, and a REINDEX held back when the build rate measured on the
 * first build predicts that it would not end before the window closes.
 */
class MaintenanceWindowTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Tuesday 2026-12-01 12:00 UTC. */
    static final Instant TUESDAY_NOON = Instant.parse("2026-12-01T12:00:00Z");
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 60000) g");
    }

    static boolean reason(dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus s, Reason r) {
        return Conditions.get(s, ConditionType.RECONCILING).map(c -> r.name().equals(c.getReason())).orElse(false);
    }

    @Test
    void shouldWaitForTheWindowThenBuildAndHoldBackARebuildPredictedToOutlastIt() throws Exception {
        var spec = EngineHarness.spec("users", "users_email_idx", "email");
        WindowGateDecisionTest.windows(WindowGateDecisionTest.window("Tue", "14:00", "1h", "Europe/Berlin"))
                .accept(spec); // 13:00-14:00 UTC
        try (EngineHarness h = new EngineHarness("users-email", db, spec)) {
            h.engine().withClock(Clock.fixed(TUESDAY_NOON, ZoneOffset.UTC));
            Outcome o = h.reconcile();

            assertThat(h.status.getPhase()).isEqualTo(dev.pgindex.operator.api.v1alpha1.Phase.Pending);
            assertThat(reason(h.status, Reason.WaitingForWindow)).as(Conditions.get(h.status,
                    ConditionType.RECONCILING).orElseThrow().getMessage()).isTrue();
            assertThat(h.status.getGuards().getNextWindow()).isEqualTo("2026-12-01T13:00:00Z");
            assertThat(o.requeueAfter()).isEqualTo(EngineHarness.FAST.resyncInterval());
            assertThat(h.status.getBuild()).as("nothing started").isNull();
            assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname = 'users_email_idx'")).isEqualTo("0");

            // 13:00:30 UTC: the window is open
            h.engine().withClock(Clock.fixed(Instant.parse("2026-12-01T13:00:30Z"), ZoneOffset.UTC));
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(h.status.getGuards()).as("nothing waits any more").isNull();
            long tableBytes = Long.parseLong(scalar(db, "SELECT pg_relation_size('users')"));
            assertThat(tableBytes).as("big enough to measure a rate").isGreaterThan(GuardReading.MIN_MEASURED_BYTES);

            // a rebuild, half a second before the window closes: the rate of the first build predicts >= 1s
            h.engine().withClock(Clock.fixed(Instant.parse("2026-12-01T13:59:59.500Z"), ZoneOffset.UTC));
            h.spec.setRebuild("r1");
            h.generation++;
            h.reconcile();
            var reconciling = Conditions.get(h.status, ConditionType.RECONCILING).orElseThrow();
            System.out.println("rebuild held back: " + reconciling.getMessage() + "; estimate "
                    + h.status.getGuards().getEstimatedBuildTime());
            assertThat(reconciling.getReason()).isEqualTo(Reason.WaitingForWindow.name());
            assertThat(reconciling.getMessage()).contains("is predicted to take",
                    "it closes at 2026-12-01T14:00:00Z", "waiting for the next window long enough, at "
                            + "2026-12-08T13:00:00Z");
            assertThat(h.status.getGuards().getEstimatedBuildTime()).isNotNull();
            assertThat(h.status.getRebuiltToken()).isNull();

            // in next week's window, it runs
            h.engine().withClock(Clock.fixed(Instant.parse("2026-12-08T13:00:01Z"), ZoneOffset.UTC));
            h.reconcileUntil(s -> "r1".equals(s.getRebuiltToken()) && Conditions.isTrue(s, ConditionType.READY), WAIT);
        }
    }
}
