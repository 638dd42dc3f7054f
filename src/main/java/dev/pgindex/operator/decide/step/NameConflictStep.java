package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;

import java.util.Optional;

/** The index name is taken by a relation that is not an index (a table, a view, a sequence). */
public final class NameConflictStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        if (ctx.obs().index().isPresent() && !ctx.obs().index().get().isIndex()) {
            return Optional.of(ctx.stallWithBackoff(Reason.NameConflict, "a relation that is not an index is "
                    + "already called " + ctx.def().qualifiedName() + "; pick another spec.name"));
        }
        if (!ctx.obs().table().map(t -> t.partitioned()).orElse(false)) {
            ctx.draft().facts().noPartitions();
        }
        return Optional.empty();
    }
}
