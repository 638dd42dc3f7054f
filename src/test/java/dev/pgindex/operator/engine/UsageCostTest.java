package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What usage costs in the steady state of a Ready index, counted by PostgreSQL itself (xact_commit and sessions of
 * a database of its own, as {@link GuardCostTest} does; every statement of the autocommit monitor session is one
 * transaction): one statement on the monitor session that the re-check opens anyway, once per usage interval, and
 * no extra session. Resyncs are 5 minutes apart (the default pgindex.resync-interval) on a clock the test moves.
 */
class UsageCostTest {
    static final int RESYNCS = 9;

    /** Transactions and sessions of {@link #RESYNCS} resyncs of a Ready index, 5 minutes apart. */
    static long[] steadyState(ConnectionInfo db, Duration usageInterval) throws Exception {
        try (EngineHarness h = new EngineHarness("users-email", db,
                EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.engine().usageDefaults(usageInterval, Duration.ofDays(30));
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && s.getUsage() != null,
                    Duration.ofSeconds(30));
            UsageTest.MutableClock clock = new UsageTest.MutableClock(Instant.now());
            h.engine().withClock(clock);
            return GuardCostTest.counted(db, h, RESYNCS, () -> {
                clock.now = clock.now.plus(Duration.ofMinutes(5));
                h.reconcile();
            });
        }
    }

    @Test
    void shouldCostOneStatementPerUsageIntervalAndNoSession() throws Exception {
        long[] none = steadyState(GuardCostTest.database(), Duration.ofDays(365)); // read once at Ready, never again
        long[] standard = steadyState(GuardCostTest.database(), UsageReading.Defaults.STANDARD.interval());
        long[] every = steadyState(GuardCostTest.database(), Duration.ZERO);
        // the counting query itself is one transaction and one session each time, on every side
        double perResync = (none[0] - 1) / (double) RESYNCS;
        double perResyncStandard = (standard[0] - 1) / (double) RESYNCS;
        double perResyncEvery = (every[0] - 1) / (double) RESYNCS;
        System.out.printf("%d resyncs of a Ready index, 5 minutes apart: %d statements / %d sessions without usage "
                        + "reads (%.2f statements per resync, %.2f a minute), %d / %d with usage every 15m (%.2f a "
                        + "minute), %d / %d with usage on every resync (%.2f a minute)%n", RESYNCS, none[0], none[1],
                perResync, perResync / 5, standard[0], standard[1], perResyncStandard / 5, every[0], every[1],
                perResyncEvery / 5);
        assertThat(none[0]).as("the count works").isGreaterThan(RESYNCS);
        assertThat(every[0] - none[0]).as("one statement per usage read").isEqualTo(RESYNCS);
        assertThat(standard[0] - none[0]).as("45 minutes at 15m: three usage reads").isEqualTo(3);
        assertThat(new long[] {standard[1], every[1]}).as("no extra session").containsExactly(none[1], none[1]);
        assertThat(perResyncEvery).as("within 2x of today's steady state even when read every resync")
                .isLessThanOrEqualTo(2 * perResync);
    }
}
