package dev.pgindex.operator.controller.set;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetStatus;
import dev.pgindex.operator.api.v1alpha1.SetReason;
import dev.pgindex.operator.kube.HeldEvents;
import dev.pgindex.operator.status.Conditions;

/** The events of a set's milestones and stops, raised when the set's reason changes. */
final class SetEvents {
    private SetEvents() {
    }

    /** Events for what changed between the status written before and the one about to be written. */
    static void transitions(HeldEvents<SetReason> events, PostgresIndexSetStatus before,
            PostgresIndexSetStatus after, Verdict verdict) {
        SetReason was = reason(before);
        if (verdict.reason() == was) {
            return;
        }
        if (verdict.reason() == SetReason.FailureBudgetExhausted) {
            events.warning(SetReason.RolloutStopped, verdict.message());
        } else if (was == SetReason.FailureBudgetExhausted) {
            events.normal(SetReason.RolloutResumed, "stalled targets recovered; the rollout goes on: "
                    + verdict.message());
        }
        if (was == SetReason.CanaryInProgress && verdict.reason() != SetReason.FailureBudgetExhausted) {
            events.normal(SetReason.CanaryReady, "the canary target(s) are Ready; the other targets start");
        }
        if (verdict.reason() == SetReason.AllTargetsReady) {
            events.normal(SetReason.RolloutComplete, "index " + after.getIndexName() + ": " + verdict.message());
        }
    }

    private static SetReason reason(PostgresIndexSetStatus s) {
        if (s == null || s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream().filter(c -> ConditionType.READY.equals(c.getType())).findFirst()
                .flatMap(c -> Conditions.reasonOf(c, SetReason.class)).orElse(null);
    }
}
