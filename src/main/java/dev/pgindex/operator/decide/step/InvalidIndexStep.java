package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.DropJob;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.Quoting;

import java.util.Optional;

/** The index is INVALID (a failed build's leftover): ours is dropped concurrently and rebuilt; anyone else's stays. */
public final class InvalidIndexStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        if (idx.healthy()) {
            return Optional.empty();
        }
        if (Ownership.ours(ctx, idx, ctx.obs().comparison())) {
            return Optional.of(ctx.start(Jobs.drop(ctx.def(), ctx.def().name(), idx.tableOid(), idx.oid(),
                    DropJob.Purpose.LEFTOVER)));
        }
        String qualified = Quoting.qualified(ctx.def().schema(), ctx.def().name());
        return Optional.of(ctx.stallWithBackoff(Reason.InvalidIndexNotOwned, "index " + ctx.def().qualifiedName()
                + " exists but is INVALID (what a failed CREATE INDEX CONCURRENTLY or REINDEX leaves behind) and "
                + "this resource did not build it, so it was not touched. Drop it with DROP INDEX CONCURRENTLY "
                + qualified + " and the operator builds its own, or repair it with REINDEX INDEX CONCURRENTLY "
                + qualified + " and the operator adopts it if it matches the spec"));
    }
}
