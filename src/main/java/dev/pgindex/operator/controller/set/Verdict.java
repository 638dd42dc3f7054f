package dev.pgindex.operator.controller.set;

import dev.pgindex.operator.api.v1alpha1.SetReason;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the set's conditions say, as a pure function of the rollout plan and what discovery found. Ready=True when
 * every target is Ready (targets whose schema lacks the table excepted); Stalled=True when the rollout cannot go on
 * by itself (failure budget, a forbidden Secret list, stalled targets with nothing else left); otherwise
 * Reconciling=True.
 */
public record Verdict(Kind kind, SetReason reason, String message) {
    public enum Kind { READY, RECONCILING, STALLED }

    /** Facts from discovery that the plan does not hold. */
    public record Discovery(String secretListProblem, List<String> unreachableDatabases, int oldChildren,
            int failureBudget) {
    }

    /** At most this many target names in a message. */
    static final int NAMES_IN_MESSAGE = 5;

    public static Verdict of(Rollout.Plan plan, Discovery d) {
        if (d.secretListProblem() != null) {
            return new Verdict(Kind.STALLED, SetReason.SecretListForbidden, d.secretListProblem());
        }
        if (plan.budgetExhausted()) {
            return new Verdict(Kind.STALLED, SetReason.FailureBudgetExhausted, "rollout stopped: " + plan.stalled()
                    + " target(s) Stalled, failure budget " + d.failureBudget() + "; " + plan.notStarted()
                    + " target(s) not started. Stalled: " + names(plan.stalledTargets())
                    + ". Fix them (they retry by themselves) and the rollout resumes");
        }
        String missing = plan.tableMissing() == 0 ? "" : "; " + plan.tableMissing() + " schema(s) without the table: "
                + names(plan.tableMissingTargets());
        if (!d.unreachableDatabases().isEmpty()) {
            return new Verdict(Kind.RECONCILING, SetReason.DatabasesUnreachable, "schemas of "
                    + d.unreachableDatabases().size() + " database(s) could not be listed: "
                    + String.join("; ", d.unreachableDatabases().subList(0, Math.min(NAMES_IN_MESSAGE,
                    d.unreachableDatabases().size()))) + "; " + plan.ready() + "/" + plan.targets() + " ready");
        }
        if (plan.targets() == 0) {
            return new Verdict(Kind.READY, SetReason.NoTargets, "no targets: no database or no matching schema "
                    + "(looked again on every resync)");
        }
        if (plan.complete() && d.oldChildren() == 0) {
            return new Verdict(Kind.READY, SetReason.AllTargetsReady, plan.ready() + " target(s) ready" + missing);
        }
        String counts = plan.ready() + "/" + plan.targets() + " ready, " + plan.building() + " building, "
                + plan.waiting() + " waiting, " + plan.stalled() + " stalled" + missing;
        boolean moving = !plan.start().isEmpty() || plan.building() > 0 || plan.waiting() > 0 || d.oldChildren() > 0;
        if (!moving && plan.stalled() > 0) {
            return new Verdict(Kind.STALLED, SetReason.TargetsStalled, counts + ". Stalled: "
                    + names(plan.stalledTargets()));
        }
        if (!plan.canaryDone()) {
            return new Verdict(Kind.RECONCILING, SetReason.CanaryInProgress, "canary: " + names(plan.canary())
                    + " must be Ready before the other targets start; " + counts);
        }
        if (d.oldChildren() > 0) {
            return new Verdict(Kind.RECONCILING, SetReason.RollingOutNewIndex, counts + "; " + d.oldChildren()
                    + " PostgresIndex(es) left to remove (of a previous index name, or of targets that are gone), "
                    + "each once its target's new index is Ready");
        }
        return new Verdict(Kind.RECONCILING, SetReason.RollingOut, counts);
    }

    static String names(List<Rollout.Target> targets) {
        String shown = targets.stream().limit(NAMES_IN_MESSAGE).map(t -> t.key()
                + (t.detail() == null ? "" : " (" + t.detail() + ")")).collect(Collectors.joining(", "));
        return targets.size() > NAMES_IN_MESSAGE ? shown + " and " + (targets.size() - NAMES_IN_MESSAGE) + " more"
                : shown;
    }
}
