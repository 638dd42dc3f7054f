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
        set(s, ConditionType.READY, ready, reason, message, generation, now);
        set(s, ConditionType.RECONCILING, reconciling, reason, reconciling ? message : "", generation, now);
        set(s, ConditionType.STALLED, stalled, reason, stalled ? message : "", generation, now);
        s.setObservedGeneration(generation);
    }

    static void set(PostgresIndexSetStatus s, String type, boolean value, SetReason reason, String message,
            long generation, Instant now) {
        s.setConditions(Conditions.merged(s.getConditions(), type, value ? Conditions.TRUE : Conditions.FALSE,
                reason.name(), message, generation, now));
    }
}
