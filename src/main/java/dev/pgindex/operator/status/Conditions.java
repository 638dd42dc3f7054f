package dev.pgindex.operator.status;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sets the three conditions consistently: all three carry the same reason; the message sits on Ready and on the
 * condition that is True (a False Reconciling or Stalled has an empty message). lastTransitionTime moves only when a condition's status flips; reason,
 * message and observedGeneration are updated in place.
 */
public final class Conditions {
    public static final String TRUE = "True";
    public static final String FALSE = "False";

    private Conditions() {
    }

    /** Ready=True, Reconciling and Stalled False. */
    public static void ready(PostgresIndexStatus s, long generation, Reason reason, String message, Instant now) {
        s.setPhase(Phase.Ready);
        s.setConditions(kstatus(s.getConditions(), ConditionType.READY, reason.name(), message, generation, now));
    }

    /** Working towards Ready: Reconciling=True, Ready=False, Stalled=False. */
    public static void reconciling(PostgresIndexStatus s, long generation, Phase phase, Reason reason,
            String message, Instant now) {
        s.setPhase(phase);
        s.setConditions(kstatus(s.getConditions(), ConditionType.RECONCILING, reason.name(), message, generation,
                now));
    }

    /** Needs a person: Stalled=True, Ready=False, Reconciling=False. */
    public static void stalled(PostgresIndexStatus s, long generation, Reason reason, String message, Instant now) {
        s.setPhase(Phase.Stalled);
        s.setConditions(kstatus(s.getConditions(), ConditionType.STALLED, reason.name(), message, generation, now));
    }

    /**
     * The three kstatus conditions with {@code trueOne} (Ready, Reconciling or Stalled) True and the others False,
     * for every kind: one reason on all three, the message on Ready and on the True one (a False Reconciling or
     * Stalled has an empty message), lastTransitionTime moved only where a status flips ({@link #merged}).
     */
    public static List<Condition> kstatus(List<Condition> conditions, String trueOne, String reason, String message,
            long generation, Instant now) {
        List<Condition> list = conditions;
        for (String type : List.of(ConditionType.READY, ConditionType.RECONCILING, ConditionType.STALLED)) {
            boolean on = type.equals(trueOne);
            list = merged(list, type, on ? TRUE : FALSE, reason, on || type.equals(ConditionType.READY) ? message : "",
                    generation, now);
        }
        return list;
    }

    /**
     * The reason of condition {@code type} when it is True, typed: the one place where a reason written to the API
     * server (as its name) is read back. Empty when the condition is not True, or names a reason this version does
     * not know.
     */
    public static Optional<Reason> trueReason(PostgresIndexStatus s, String type) {
        return get(s, type).filter(c -> TRUE.equals(c.getStatus())).flatMap(c -> reasonOf(c, Reason.class));
    }

    /** A condition's reason as a value of {@code reasons} (Reason, SetReason), empty when it names none of them. */
    public static <R extends Enum<R>> Optional<R> reasonOf(Condition c, Class<R> reasons) {
        for (R r : reasons.getEnumConstants()) {
            if (r.name().equals(c.getReason())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static void set(PostgresIndexStatus s, String type, String status, Reason reason, String message,
            long generation, Instant now) {
        s.setConditions(merged(s.getConditions(), type, status, reason.name(), message, generation, now));
    }

    /**
     * The conditions with one of them set (added or replaced), in the order Ready, Reconciling, Stalled;
     * lastTransitionTime kept unless its status flips. Shared by every kind that carries these conditions.
     */
    public static List<Condition> merged(List<Condition> conditions, String type, String status, String reason,
            String message, long generation, Instant now) {
        List<Condition> list = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
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
        return list;
    }

    /**
     * The generation the conditions were computed for: the oldest one among them (-1 without conditions).
     */
    public static long observedGeneration(PostgresIndexStatus s) {
        if (s == null || s.getConditions() == null || s.getConditions().isEmpty()) {
            return -1;
        }
        return s.getConditions().stream().mapToLong(c -> c.getObservedGeneration() == null ? -1
                : c.getObservedGeneration()).min().orElse(-1);
    }

    /**
     * status.observedGeneration says that a generation was seen only once the conditions say what happened to
     * it: it takes the conditions' generation and never moves ahead of them (kstatus reads the top-level field
     * alone). Without conditions it keeps its value (-1 on a new resource, the CRD's default).
     */
    public static void settleObservedGeneration(PostgresIndexStatus s) {
        long g = observedGeneration(s);
        if (g >= 0) {
            s.setObservedGeneration(g);
        }
    }

    public static Optional<Condition> get(PostgresIndexStatus s, String type) {
        return s == null ? Optional.empty() : get(s.getConditions(), type);
    }

    /** Condition {@code type} among {@code conditions} (of any kind), if present. */
    public static Optional<Condition> get(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(PostgresIndexStatus s, String type) {
        return get(s, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
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
