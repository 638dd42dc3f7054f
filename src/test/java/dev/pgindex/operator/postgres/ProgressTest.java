package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {
    static Progress at(String phase, long blocksDone, long blocksTotal, long tuplesDone, long tuplesTotal) {
        return new Progress(1, "CREATE INDEX CONCURRENTLY", phase, 0, 0, 0, blocksTotal, blocksDone, tuplesTotal, tuplesDone);
    }

    @Test
    void shouldWeightBtreePhasesAndUseOnlyTheCurrentPhasesCounters() {
        assertThat(at("initializing", 0, 0, 0, 0).percent()).isZero();
        assertThat(at("waiting for writers before build", 0, 0, 0, 0).percent()).isZero();
        assertThat(at("building index: scanning table", 50, 100, 0, 0).percent()).isEqualTo(17);
        assertThat(at("building index: sorting live tuples", 100, 100, 0, 0).percent()).isEqualTo(35);
        assertThat(at("building index: loading tuples in tree", 100, 100, 50, 100).percent()).isEqualTo(50);
        assertThat(at("waiting for writers before validation", 100, 100, 0, 0).percent()).isEqualTo(55);
        assertThat(at("index validation: scanning index", 5, 10, 0, 0).percent()).isEqualTo(60);
        assertThat(at("index validation: sorting tuples", 0, 0, 0, 0).percent()).isEqualTo(65);
        assertThat(at("index validation: scanning table", 50, 100, 0, 0).percent()).isEqualTo(85);
        // blocks_* left over from the validation scan must not make a wait look like progress past 99
        assertThat(at("waiting for old snapshots", 43271, 43272, 0, 0).percent()).isEqualTo(99);
    }

    @Test
    void shouldFallBackToTheTableScanForMethodsWithoutSubphases() {
        assertThat(at("building index", 50, 100, 0, 0).percent()).isEqualTo(27);
        assertThat(at("building index", 0, 0, 0, 0).percent()).isZero();
    }

    @Test
    void shouldKnowWaitPhases() {
        assertThat(at("waiting for old snapshots", 0, 0, 0, 0).waiting()).isTrue();
        assertThat(at("building index: scanning table", 0, 0, 0, 0).waiting()).isFalse();
    }
}
