package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.Quoting;

import java.util.Optional;

/** The index carries the mark of another PostgresIndex: never touched. */
public final class OtherOwnerStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Optional<OwnershipMark> mark = ctx.obs().mark();
        if (mark.isPresent() && !mark.get().ownerUid().equals(ctx.req().uid())) {
            return Optional.of(ctx.stallWithBackoff(Reason.OwnedByOther, message(ctx.def(), mark.get())));
        }
        return Optional.empty();
    }

    static String message(IndexDefinition def, OwnershipMark mark) {
        return "index " + def.qualifiedName() + " belongs to PostgresIndex " + mark.resource() + " (uid "
                + mark.ownerUid() + ") and was not touched. If that resource no longer exists, release the index "
                + "with COMMENT ON INDEX " + Quoting.qualified(def.schema(), def.name()) + " IS NULL and this "
                + "resource adopts it";
    }
}
