package dev.pgindex.operator.status;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetStatus;
import dev.pgindex.operator.api.v1alpha1.SetReason;

import java.time.Instant;

/**
 * The three kstatus conditions of a PostgresIndexSet, with the same rules as a PostgresIndex's ({@link Conditions}):
 * one reason on all three, the message on Ready and on the True one, lastTransitionTime moves only on a flip, and
 * status.observedGeneration follows the conditions.
 */
public final class SetConditions {
    private SetConditions() {
    }

    /** Sets Ready, Reconciling and Stalled: exactly one of {@code ready}, {@code reconciling}, {@code stalled}. */
    public static void apply(PostgresIndexSetStatus s, boolean ready, boolean reconciling, boolean stalled,
            SetReason reason, String message, long generation, Instant now) {
        String trueOne = ready ? ConditionType.READY : reconciling ? ConditionType.RECONCILING
                : stalled ? ConditionType.STALLED : "";
        s.setConditions(Conditions.kstatus(s.getConditions(), trueOne, reason.name(), message, generation, now));
        s.setObservedGeneration(generation);
    }
}
