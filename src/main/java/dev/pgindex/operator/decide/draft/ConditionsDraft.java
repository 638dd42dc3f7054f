package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.status.Conditions;

import java.time.Instant;

/** Ready, Reconciling and Stalled, set together ({@link Conditions}), and status.phase and observedGeneration. */
public final class ConditionsDraft {
    private final PostgresIndexStatus st;

    ConditionsDraft(PostgresIndexStatus st) {
        this.st = st;
    }

    public void ready(long generation, Reason reason, String message, Instant now) {
        Conditions.ready(st, generation, reason, message, now);
    }

    public void reconciling(long generation, Phase phase, Reason reason, String message, Instant now) {
        Conditions.reconciling(st, generation, phase, reason, message, now);
    }

    public void stalled(long generation, Reason reason, String message, Instant now) {
        Conditions.stalled(st, generation, reason, message, now);
    }

    /** status.observedGeneration follows the conditions ({@link Conditions#settleObservedGeneration}). */
    public void settleObservedGeneration() {
        Conditions.settleObservedGeneration(st);
    }
}
