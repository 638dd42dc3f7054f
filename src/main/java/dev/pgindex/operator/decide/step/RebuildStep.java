package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.DropJob;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.decide.RetryGate;
import dev.pgindex.operator.postgres.Catalog;

import java.util.Optional;

/**
 * spec.rebuild: leftovers of our own failed REINDEX CONCURRENTLY (name_ccnew, name_ccold) are dropped first;
 * then, when spec.rebuild carries a token that status.rebuiltToken does not, REINDEX INDEX CONCURRENTLY runs as a
 * job with the retry budget of an episode.
 */
public final class RebuildStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        Ownership.pinLeftovers(ctx.draft(), ctx.obs().reindexLeftovers());
        for (Catalog.IndexState leftover : ctx.obs().reindexLeftovers()) {
            if (!Ownership.ownedLeftover(ctx.draft().status(), leftover)) {
                continue; // another session's REINDEX left it: not ours to drop
            }
            if (leftover.buildingPid() != null) {
                return Optional.of(ctx.waitFor(Phase.Building, Reason.BuildInProgress, "a REINDEX of "
                        + ctx.def().qualifiedName() + " (backend " + leftover.buildingPid() + ") is still running; "
                        + "waiting", ctx.settings().buildPollInterval()));
            }
            return Optional.of(ctx.start(Jobs.drop(ctx.def(), leftover.name(), idx.tableOid(), leftover.oid(),
                    DropJob.Purpose.LEFTOVER)));
        }
        String token = ctx.spec().getRebuild();
        if (token == null || token.equals(ctx.draft().status().getRebuiltToken())) {
            return Optional.empty();
        }
        RetryGate.beginEpisodeIfReady(ctx.draft());
        if (ctx.obs().builderBackend().isPresent()) {
            return Optional.of(ctx.waitFor(Phase.Building, Reason.BuildInProgress, "a REINDEX started earlier "
                    + "(backend " + ctx.obs().builderBackend().get().pid() + ") is still running; waiting for it",
                    ctx.settings().buildPollInterval()));
        }
        Optional<Decision> gate = RetryGate.check(ctx, RetryGate.Work.REBUILD);
        if (gate.isPresent()) {
            return gate;
        }
        return Optional.of(ctx.start(Jobs.reindex(ctx, idx.tableOid(), !RetryGate.isRecheck(ctx.draft().status()))));
    }
}
