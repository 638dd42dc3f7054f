package dev.pgindex.operator.status;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** kstatus conventions: lastTransitionTime moves only on a flip; observedGeneration never runs ahead. */
class ConditionsTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant T1 = Instant.parse("2026-12-01T10:05:00Z");

    static Condition get(PostgresIndexStatus s, String type) {
        return Conditions.get(s, type).orElseThrow();
    }

    @Test
    void shouldKeepLastTransitionTimeWhenOnlyTheReasonOrMessageChanges() {
        PostgresIndexStatus s = new PostgresIndexStatus();
        Conditions.reconciling(s, 1, Phase.Building, Reason.Building, "building", T0);
        Conditions.reconciling(s, 1, Phase.Building, Reason.WaitingForTransactions, "waiting", T1);
        assertThat(get(s, ConditionType.RECONCILING).getLastTransitionTime()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(get(s, ConditionType.RECONCILING).getReason()).isEqualTo("WaitingForTransactions");
        assertThat(get(s, ConditionType.READY).getLastTransitionTime()).isEqualTo("2026-12-01T10:00:00Z");
    }

    @Test
    void shouldMoveLastTransitionTimeWhenTheStatusFlips() {
        PostgresIndexStatus s = new PostgresIndexStatus();
        Conditions.reconciling(s, 1, Phase.Building, Reason.Building, "building", T0);
        Conditions.ready(s, 1, Reason.IndexReady, "ready", T1);
        assertThat(get(s, ConditionType.READY).getLastTransitionTime()).isEqualTo("2026-12-01T10:05:00Z");
        assertThat(get(s, ConditionType.RECONCILING).getLastTransitionTime()).isEqualTo("2026-12-01T10:05:00Z");
        assertThat(get(s, ConditionType.STALLED).getLastTransitionTime()).as("False before and after")
                .isEqualTo("2026-12-01T10:00:00Z");
    }

    @Test
    void shouldPutTheMessageOnReadyAndOnTheTrueConditionOnly() {
        PostgresIndexStatus s = new PostgresIndexStatus();
        Conditions.stalled(s, 3, Reason.TableNotFound, "table public.t does not exist", T0);
        assertThat(get(s, ConditionType.READY).getMessage()).isEqualTo("table public.t does not exist");
        assertThat(get(s, ConditionType.STALLED).getMessage()).isEqualTo("table public.t does not exist");
        assertThat(get(s, ConditionType.RECONCILING).getMessage()).isEmpty();
        assertThat(s.getConditions()).extracting(Condition::getType)
                .containsExactly(ConditionType.READY, ConditionType.RECONCILING, ConditionType.STALLED);
    }

    @Test
    void shouldNotMoveObservedGenerationAheadOfTheConditions() {
        PostgresIndexStatus s = new PostgresIndexStatus();
        s.setObservedGeneration(-1L);
        Conditions.settleObservedGeneration(s);
        assertThat(s.getObservedGeneration()).as("no conditions yet: the CRD default stays").isEqualTo(-1L);

        Conditions.ready(s, 1, Reason.IndexReady, "ready", T0);
        Conditions.settleObservedGeneration(s);
        assertThat(s.getObservedGeneration()).isEqualTo(1L);

        // a condition left at generation 1 holds the top-level field back
        Conditions.set(s, ConditionType.READY, Conditions.TRUE, Reason.IndexReady, "ready", 2, T1);
        Conditions.settleObservedGeneration(s);
        assertThat(s.getObservedGeneration()).isEqualTo(1L);
        Conditions.ready(s, 2, Reason.IndexReady, "ready", T1);
        Conditions.settleObservedGeneration(s);
        assertThat(s.getObservedGeneration()).isEqualTo(2L);
    }
}
