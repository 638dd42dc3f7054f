package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.UsageStatus;
import dev.pgindex.operator.decide.draft.Usage;
import dev.pgindex.operator.postgres.UsageReads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The usage accounting as a table: running totals across statistics resets, replicas summed, the unused flag. */
class UsageAccountingTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration THIRTY_DAYS = Duration.ofDays(30);

    static UsageReads.Reading pg16(long scans, Instant lastScan, Instant reset) {
        return new UsageReads.Reading(8_600_000, scans, lastScan, reset, null, true);
    }

    static UsageReads.Reading pg15(long scans, Instant reset) {
        return new UsageReads.Reading(8_600_000, scans, null, reset, null, false);
    }

    static UsageStatus next(UsageStatus last, UsageReads.Reading primary, Instant now, Usage.Seen... replicas) {
        return Usage.next(last, primary, List.of(replicas), now, THIRTY_DAYS, null);
    }

    @Test
    void shouldCountTheCountersAtTheFirstReadingThenWhatTheyGrewBy() {
        UsageStatus u = next(null, pg15(10, null), T0);
        assertThat(u.getScans()).isEqualTo(10);
        assertThat(u.getSize()).isEqualTo("8.2 MiB");
        assertThat(u.getFirstReadAt()).isEqualTo(T0.toString());
        u = next(u, pg15(25, null), T0.plusSeconds(900));
        assertThat(u.getScans()).isEqualTo(25);
        assertThat(u.getLastUsed()).as("pg15: the reading that saw it grow").isEqualTo(T0.plusSeconds(900).toString());
    }

    @Test
    void shouldNeverGoDownWhenTheCounterIsReset() {
        UsageStatus u = next(null, pg15(100, null), T0);
        // pg_stat_reset_single_table_counters: the counter went down (stats_reset may move too)
        u = next(u, pg15(3, T0.plusSeconds(600)), T0.plusSeconds(900));
        assertThat(u.getScans()).as("100 before, 3 since the reset").isEqualTo(103);
        u = next(u, pg15(5, T0.plusSeconds(600)), T0.plusSeconds(1800));
        assertThat(u.getScans()).isEqualTo(105);
        assertThat(u.getCountingSince()).as("the running total keeps its start").isNull();
    }

    @Test
    void shouldSeeAResetByItsTimeEvenWhenTheCounterGrewPastTheOldValue() {
        UsageStatus u = next(null, pg15(10, T0.minusSeconds(60)), T0);
        assertThat(u.getCountingSince()).isEqualTo(T0.minusSeconds(60).toString());
        u = next(u, pg15(40, T0.plusSeconds(100)), T0.plusSeconds(900));
        assertThat(u.getScans()).as("10 before the reset, 40 since").isEqualTo(50);
    }

    @Test
    void shouldSumThePrimaryAndTheReplicasEachWithItsOwnReset() {
        UsageStatus u = next(null, pg16(5, T0.minusSeconds(30), null), T0,
                Usage.Seen.read("db-ro", pg16(7, T0.minusSeconds(10), null)));
        assertThat(u.getScans()).isEqualTo(12);
        assertThat(u.getLastUsed()).as("the latest last_idx_scan of any server").isEqualTo(T0.minusSeconds(10).toString());
        u = next(u, pg16(6, T0.plusSeconds(5), null), T0.plusSeconds(900),
                Usage.Seen.read("db-ro", pg16(2, T0.plusSeconds(700), T0.plusSeconds(600))));
        assertThat(u.getScans()).as("+1 on the primary, 2 since the replica's reset").isEqualTo(15);
        assertThat(u.getSources()).extracting(s -> s.getName()).containsExactly("primary", "db-ro");
    }

    @Test
    void shouldKeepAnUnreadReplicasLastCountAndSayWhy() {
        UsageStatus u = next(null, pg15(1, null), T0, Usage.Seen.read("db-ro", pg15(4, null)));
        u = next(u, pg15(2, null), T0.plusSeconds(900), Usage.Seen.unread("db-ro", "ConnectionLost: refused"));
        assertThat(u.getScans()).isEqualTo(6);
        assertThat(u.getUnreadReplicas()).containsExactly("db-ro: ConnectionLost: refused");
        u = next(u, pg15(2, null), T0.plusSeconds(1800), Usage.Seen.read("db-ro", pg15(9, null)));
        assertThat(u.getScans()).as("the replica's growth while unread is counted once it is read").isEqualTo(11);
        assertThat(u.getUnreadReplicas()).isNull();
    }

    @Test
    void shouldFlagAnIndexUnusedOnlyAfterTheThresholdWithoutAScan() {
        UsageStatus u = next(null, pg15(0, null), T0);
        assertThat(u.getUnusedSince()).isNull();
        u = next(u, pg15(0, null), T0.plus(Duration.ofDays(29)));
        assertThat(u.getUnusedSince()).isNull();
        u = next(u, pg15(0, null), T0.plus(Duration.ofDays(30)));
        assertThat(u.getUnusedSince()).as("never scanned since the first reading").isEqualTo(T0.toString());
        u = next(u, pg15(1, null), T0.plus(Duration.ofDays(31)));
        assertThat(u.getUnusedSince()).as("one scan clears it").isNull();
        assertThat(u.getLastUsed()).isEqualTo(T0.plus(Duration.ofDays(31)).toString());
    }

    @Test
    void shouldUseLastIdxScanWhereTheServerHasIt() {
        Instant scanned = T0.minus(Duration.ofDays(40));
        UsageStatus u = next(null, pg16(3, scanned, null), T0);
        assertThat(u.getUnusedSince()).as("last scanned 40 days ago").isEqualTo(scanned.toString());
    }

    @Test
    void shouldNeverFlagAnIndexThatEnforcesAConstraint() {
        UsageReads.Reading pk = new UsageReads.Reading(8192, 0, null, null, "primary key users_pkey", false);
        UsageStatus u = Usage.next(null, pk, List.of(), T0, Duration.ZERO, null);
        u = Usage.next(u, pk, List.of(), T0.plus(Duration.ofDays(400)), Duration.ZERO, null);
        assertThat(u.getUnusedSince()).isNull();
        assertThat(u.getEnforces()).isEqualTo("primary key users_pkey");
    }

    @Test
    void shouldCountFromTheBuildWhenThisOperatorBuiltTheIndex() {
        Instant built = T0.minus(Duration.ofDays(31));
        UsageStatus u = Usage.next(null, pg15(0, T0.minus(Duration.ofDays(90))), List.of(), T0, THIRTY_DAYS, built);
        assertThat(u.getCountingSince()).isEqualTo(built.toString());
        assertThat(u.getUnusedSince()).as("not scanned since it was built 31 days ago").isEqualTo(built.toString());
    }

    @Test
    void shouldNotNewlyFlagUnusedWhileAReplicaCannotBeRead() {
        UsageStatus u = next(null, pg15(0, null), T0, Usage.Seen.unread("db-ro", "no Secret"));
        u = next(u, pg15(0, null), T0.plus(Duration.ofDays(31)), Usage.Seen.unread("db-ro", "no Secret"));
        assertThat(u.getUnusedSince()).isNull();
    }

    @Test
    void shouldPrintSizesForPeople() {
        assertThat(Usage.human(512)).isEqualTo("512 B");
        assertThat(Usage.human(8192)).isEqualTo("8.0 KiB");
        assertThat(Usage.human(1536L * 1024 * 1024)).isEqualTo("1.5 GiB");
    }
}
