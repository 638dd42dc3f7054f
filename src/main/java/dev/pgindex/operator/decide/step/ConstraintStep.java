package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.ConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.Quoting;

import java.util.List;
import java.util.Optional;

/**
 * spec.constraint: once the index is valid, ALTER TABLE ... ADD CONSTRAINT ... USING INDEX under a short
 * lock_timeout (the statement needs a brief exclusive lock, and while it queues for it, it would hold up every
 * write behind it). A primary key on nullable columns stops with the recipe that sets NOT NULL without blocking.
 */
public final class ConstraintStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        IndexFacts.record(ctx);
        ConstraintSpec wanted = ctx.spec().getConstraint();
        Optional<Catalog.ConstraintInfo> existing = ctx.obs().constraint();
        IndexDefinition def = ctx.def();
        if (wanted == null || wanted.getType() == null) {
            existing.ifPresentOrElse(ci -> record(ctx, ci), () -> ctx.draft().facts().noConstraint());
            return Optional.empty();
        }
        boolean primaryKey = wanted.getType() == ConstraintType.PrimaryKey;
        if (existing.isPresent()) {
            if (existing.get().type() != (primaryKey ? 'p' : 'u')) {
                return Optional.of(ctx.stallWithBackoff(Reason.ConstraintConflict, "index " + def.qualifiedName()
                        + " already backs the constraint " + existing.get().name() + " (" + existing.get().definition()
                        + "), not the " + wanted.getType() + " constraint the spec asks for"));
            }
            record(ctx, existing.get());
            return Optional.empty();
        }
        List<String> nullable = ctx.obs().nullableKeyColumns();
        if (primaryKey && !nullable.isEmpty()) {
            String col = nullable.get(0);
            String t = Quoting.qualified(def.schema(), def.table());
            return Optional.of(ctx.stallWithBackoff(Reason.NullableColumn, "a primary key needs NOT NULL columns, "
                    + "and " + String.join(", ", nullable) + " may be NULL; the operator will not set NOT NULL itself "
                    + "(that scans the table under an ACCESS EXCLUSIVE lock). Without blocking writes: ALTER TABLE "
                    + t + " ADD CONSTRAINT " + col + "_not_null CHECK (" + Quoting.ident(col) + " IS NOT NULL) "
                    + "NOT VALID; ALTER TABLE " + t + " VALIDATE CONSTRAINT " + col + "_not_null; ALTER TABLE " + t
                    + " ALTER COLUMN " + Quoting.ident(col) + " SET NOT NULL; ALTER TABLE " + t
                    + " DROP CONSTRAINT " + col + "_not_null"));
        }
        Decision.Event added = Decision.Event.normal(Reason.AddingConstraint, "added constraint " + def.name()
                + " " + (primaryKey ? "PRIMARY KEY" : "UNIQUE") + " using index " + def.qualifiedName());
        return Optional.of(ctx.shortLock(List.of(Ddl.addConstraintUsingIndex(def.schema(), def.table(), def.name(),
                primaryKey)), added, f -> ctx.stepFailed(Reason.AddingConstraint, Reason.ConstraintConflict, "the index is "
                + "valid; adding the " + wanted.getType() + " constraint " + def.name(), f)));
    }

    private static void record(DecisionContext ctx, Catalog.ConstraintInfo ci) {
        ctx.draft().facts().constraint(ci.name(), ci.type() == 'p' ? "PrimaryKey" : ci.type() == 'u' ? "Unique"
                : "Exclusion", ci.definition());
    }
}
