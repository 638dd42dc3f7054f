package dev.pgindex.operator.status;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.ProgressInfo;
import dev.pgindex.operator.api.v1alpha1.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress-write rate limit: conditions at once, progress at most once per interval. */
class StatusWritesTest {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static PostgresIndexStatus building(int percent, Reason reason) {
        PostgresIndexStatus s = new PostgresIndexStatus();
        Conditions.reconciling(s, 1, Phase.Building, reason, "building", T0);
        ProgressInfo p = new ProgressInfo();
        p.setPercent(percent);
        s.setProgress(p);
        return s;
    }

    @Test
    void shouldNotWriteWhatDidNotChange() {
        assertThat(StatusWrites.decide(building(10, Reason.Building), building(10, Reason.Building), T0,
                T0.plusSeconds(60), INTERVAL, false)).isEqualTo(StatusWrites.Verdict.UNCHANGED);
    }

    @Test
    void shouldHoldBackProgressWithinTheInterval() {
        assertThat(StatusWrites.decide(building(10, Reason.Building), building(20, Reason.Building), T0,
                T0.plusSeconds(4), INTERVAL, false)).isEqualTo(StatusWrites.Verdict.HOLD_BACK);
    }

    @Test
    void shouldWriteProgressOnceTheIntervalPassed() {
        assertThat(StatusWrites.decide(building(10, Reason.Building), building(20, Reason.Building), T0,
                T0.plusSeconds(5), INTERVAL, false)).isEqualTo(StatusWrites.Verdict.WRITE);
    }

    @Test
    void shouldWriteAConditionChangeAtOnce() {
        assertThat(StatusWrites.decide(building(10, Reason.Building), building(10, Reason.WaitingForLock), T0,
                T0.plusSeconds(1), INTERVAL, false)).isEqualTo(StatusWrites.Verdict.WRITE);
    }

    @Test
    void shouldWriteForcedIntentAtOnce() {
        assertThat(StatusWrites.decide(building(10, Reason.Building), building(20, Reason.Building), T0,
                T0.plusSeconds(1), INTERVAL, true)).isEqualTo(StatusWrites.Verdict.WRITE);
    }

    @Test
    void shouldWriteTheFirstStatusOfAResourceAtOnce() {
        assertThat(StatusWrites.decide(building(10, Reason.Building), building(20, Reason.Building), null,
                T0, INTERVAL, false)).isEqualTo(StatusWrites.Verdict.WRITE);
    }

    @Test
    void shouldTreatAnEtaAppearingOrGoingAsProgress() {
        PostgresIndexStatus without = building(10, Reason.Building);
        PostgresIndexStatus with = building(20, Reason.Building);
        dev.pgindex.operator.api.v1alpha1.GuardStatus g = new dev.pgindex.operator.api.v1alpha1.GuardStatus();
        g.setEta("2026-12-02T01:00:00Z");
        with.setGuards(g);
        assertThat(StatusWrites.decide(without, with, T0, T0.plusSeconds(1), INTERVAL, false))
                .isEqualTo(StatusWrites.Verdict.HOLD_BACK);
        assertThat(StatusWrites.decide(with, without, T0, T0.plusSeconds(1), INTERVAL, false))
                .isEqualTo(StatusWrites.Verdict.HOLD_BACK);
    }
}
