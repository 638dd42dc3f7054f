package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.decide.JobPlan;
import dev.pgindex.operator.postgres.GuardObservation;
import dev.pgindex.operator.spec.LagLimits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * spec.replicaLag (or the operator's default): no build starts, nor any partition leaf's, while a standby is
 * further behind than the limit (WAL not replayed, or retained by a slot, and replay_lag), read on the primary just
 * before the start. A role that cannot see the lag is Stalled InsufficientPrivilege, saying which grant is
 * missing: an unknown lag is never taken for none.
 */
public final class ReplicaLagGate implements Gate {
    @Override
    public Optional<Decision> hold(DecisionContext ctx, JobPlan job) {
        LagLimits limits = ctx.parsed().replicaLag(ctx.guards().defaultReplicaLag());
        GuardObservation.ReplicaLag lag = ctx.guards().seen().lag();
        if (limits == null || !lag.read()) {
            if (limits == null) {
                ctx.draft().guards().replicaLag(null);
            }
            return Optional.empty();
        }
        if (lag.missingPrivilege() != null) {
            ctx.draft().failure().record(Reason.InsufficientPrivilege, "42501",
                    lag.missingPrivilege(), false, ctx.now());
            return Optional.of(ctx.stallWithBackoff(Reason.InsufficientPrivilege, lag.missingPrivilege()));
        }
        String measured = measured(lag);
        ctx.draft().guards().replicaLag(measured);
        List<String> over = new ArrayList<>();
        if (limits.maxBytes() != null && lag.maxBytes() > limits.maxBytes()) {
            over.add(LagLimits.human(lag.maxBytes()) + " behind on " + lag.bytesWhere() + " (limit "
                    + LagLimits.human(limits.maxBytes()) + ")");
        }
        if (limits.maxLag() != null && lag.maxLagMillis() > limits.maxLag().toMillis()) {
            over.add("replay lag " + Durations.human(Duration.ofMillis(lag.maxLagMillis())) + " on " + lag.lagWhere()
                    + " (limit " + Durations.human(limits.maxLag()) + ")");
        }
        if (over.isEmpty()) {
            return Optional.empty();
        }
        Duration again = ctx.settings().retryBackoffBase();
        ctx.draft().guards().waiting(Reason.WaitingForReplicaLag + ": " + String.join(", ", over));
        return Optional.of(ctx.waitFor(Phase.Pending, Reason.WaitingForReplicaLag, "the build of "
                + job.qualifiedTarget() + " waits for the standbys to catch up: " + String.join("; ", over)
                + " (spec.replicaLag); measured again in " + Durations.human(again), again));
    }

    static String measured(GuardObservation.ReplicaLag lag) {
        if (lag.bytesWhere() == null && lag.lagWhere() == null) {
            return "no standby or replication slot is behind";
        }
        List<String> parts = new ArrayList<>();
        if (lag.bytesWhere() != null) {
            parts.add(LagLimits.human(lag.maxBytes()) + " behind on " + lag.bytesWhere());
        }
        if (lag.lagWhere() != null) {
            parts.add("replay lag " + Durations.human(Duration.ofMillis(lag.maxLagMillis())) + " on " + lag.lagWhere());
        }
        return String.join(", ", parts);
    }
}
