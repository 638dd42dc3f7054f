package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.BuildEta;
import dev.pgindex.operator.decide.BuildWatch;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.postgres.Catalog;

import java.util.Optional;

/**
 * A backend is building an index of that name (ours from before a restart, or another session's): wait for it,
 * never start a second one; ours shows progress and blockers.
 */
public final class RunningBuildStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        if (idx.buildingPid() == null) {
            return Optional.empty();
        }
        boolean ourBuilder = ctx.draft().status().getBuild() != null
                && idx.buildingPid().equals(ctx.draft().status().getBuild().getBuilderPid());
        if (ourBuilder || Ownership.ours(ctx, idx, ctx.obs().comparison())) {
            Reason blocked = BuildWatch.record(ctx, ctx.obs().watched(), null); // not our job: role not read
            if (ourBuilder && ctx.draft().status().getBuild().getStartedAt() != null) {
                BuildEta.record(ctx, java.time.Instant.parse(ctx.draft().status().getBuild().getStartedAt()));
            }
            Decision wait = ctx.waitFor(Phase.Building, blocked == null ? Reason.BuildInProgress : blocked,
                    "the build of " + ctx.def().qualifiedName() + " by backend " + idx.buildingPid() + " is still "
                    + "running; waiting for it (never started twice)"
                    + (blocked == null ? "" : "; it waits for " + ctx.draft().status().getBlockedBy()),
                    ctx.settings().buildPollInterval());
            // spec.blockingSessions for the build we recorded (from before a restart), never for another's
            return Optional.of(ourBuilder ? BlockingSessionsStep.decide(ctx, wait, Optional.of(ctx.obs().watched()))
                    : wait);
        }
        return Optional.of(ctx.waitFor(Phase.Pending, Reason.BuildInProgress, "another session (backend "
                + idx.buildingPid() + ") is building an index named " + ctx.def().qualifiedName()
                + "; it will be compared with the spec when it ends", ctx.settings().buildPollInterval()));
    }
}
