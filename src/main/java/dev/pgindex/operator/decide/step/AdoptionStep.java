package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.OwnershipMark;

import java.util.Optional;

/**
 * A valid index of that name that does not carry our mark for this spec: the same definition is marked ours
 * (adopted when someone else built it, not adopted when it is our own unmarked build); another definition is a
 * conflict and is never touched.
 */
public final class AdoptionStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        Optional<OwnershipMark> mark = ctx.obs().mark();
        boolean ours = Ownership.marked(idx, ctx.req().uid());
        boolean intent = !ours && Ownership.launched(ctx.draft().status(), idx, ctx.obs().comparison());
        if (ours && ctx.def().isHashOf(mark.get().specHash())) {
            return Optional.empty();
        }
        String differences = ctx.obs().comparison().differences();
        if (differences != null || !ctx.obs().comparison().done()) {
            return Optional.of(ctx.stallWithBackoff(Reason.DefinitionConflict, conflict(ctx.def(),
                    differences == null ? "not compared" : differences, ours)));
        }
        boolean adopted = ours ? mark.get().adopted() : !intent;
        if (adopted && !ours) {
            ctx.event(Decision.Event.normal(Reason.Adopted, "adopted the existing valid index "
                    + ctx.def().qualifiedName() + " without a rebuild"));
        }
        return Optional.of(ctx.mark(ctx.def().schema(), ctx.def().name(), new OwnershipMark(ctx.req().uid(),
                ctx.req().resource(), ctx.def().hash(), adopted).render()));
    }

    static String conflict(IndexDefinition def, String differences, boolean ours) {
        return "index " + def.qualifiedName() + (ours ? " was built by this resource from an earlier definition"
                : " exists with another definition") + " and was not touched. Differences: " + differences
                + ". To change an index, create a new PostgresIndex with another spec.name; to take over this one, "
                + "make the spec match it";
    }
}
