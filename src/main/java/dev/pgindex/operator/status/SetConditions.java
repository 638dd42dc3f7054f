package dev.pgindex.operator.status;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetStatus;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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
            String reason, String message, long generation, Instant now) {
        set(s, ConditionType.READY, ready, reason, message, generation, now);
        set(s, ConditionType.RECONCILING, reconciling, reason, reconciling ? message : "", generation, now);
        set(s, ConditionType.STALLED, stalled, reason, stalled ? message : "", generation, now);
        s.setObservedGeneration(generation);
    }

    static void set(PostgresIndexSetStatus s, String type, boolean value, String reason, String message,
            long generation, Instant now) {
        String status = value ? Conditions.TRUE : Conditions.FALSE;
        List<Condition> list = s.getConditions() == null ? new ArrayList<>() : new ArrayList<>(s.getConditions());
        Condition existing = list.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        Condition c = new Condition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message == null ? "" : message);
        c.setObservedGeneration(generation);
        c.setLastTransitionTime(existing != null && status.equals(existing.getStatus())
                ? existing.getLastTransitionTime() : now.truncatedTo(ChronoUnit.SECONDS).toString());
        if (existing != null) {
            list.set(list.indexOf(existing), c);
        } else {
            list.add(c);
        }
        list.sort((a, b) -> Integer.compare(order(a.getType()), order(b.getType())));
        s.setConditions(list);
    }

    private static int order(String type) {
        return switch (type) {
            case ConditionType.READY -> 0;
            case ConditionType.RECONCILING -> 1;
            case ConditionType.STALLED -> 2;
            default -> 3;
        };
    }
}
