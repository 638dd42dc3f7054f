package dev.pgindex.operator.decide.constraint;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConstraintDefinition;
import dev.pgindex.operator.postgres.ConstraintObservation;

import java.util.Optional;

/**
 * What a PostgreSQL version cannot take, known from the catalog before anything is counted or sent, as the reason
 * and words of the Stalled condition. Asked when the constraint is absent by name. Proven on each version by
 * ConstraintVersionMatrixTest.
 */
final class VersionLimits {
    record Limit(Reason reason, String message) {
    }

    private VersionLimits() {
    }

    static Optional<Limit> of(ConstraintDefinition d, ConstraintObservation o) {
        Optional<Limit> fk = notValidRefused(d, o).map(m -> new Limit(Reason.UnsupportedFeature, m));
        return fk.isPresent() ? fk : notNullHeldNotValid(d, o).map(m -> new Limit(Reason.DefinitionConflict, m));
    }

    /**
     * Before 18, ADD FOREIGN KEY ... NOT VALID on a partitioned table fails with 42809 ("cannot add NOT VALID
     * foreign key on partitioned table"); the reason is UnsupportedFeature.
     */
    private static Optional<String> notValidRefused(ConstraintDefinition d, ConstraintObservation o) {
        if (!(d.shape() instanceof ConstraintDefinition.ForeignKey) || !o.partitioned()
                || o.serverVersion() >= ConstraintDefinition.PARTITIONED_NOT_VALID_FK_VERSION) {
            return Optional.empty();
        }
        return Optional.of("PostgreSQL before 18 cannot add a NOT VALID foreign key to a partitioned table, and "
                + d.schema() + "." + d.table() + " is partitioned (this server is " + (o.serverVersion() / 10000)
                + "." + (o.serverVersion() % 100) + "); added in one step it would scan every partition while "
                + "writes to the table wait, so nothing is counted or added: add it to each partition (a "
                + "PostgresConstraint each), or upgrade to PostgreSQL 18");
    }

    /**
     * 18 keeps one NOT NULL constraint per column: beside a NOT VALID one under another name, the ADD can only fail
     * (55000 "cannot create not-null constraint"); the reason is DefinitionConflict.
     */
    private static Optional<String> notNullHeldNotValid(ConstraintDefinition d, ConstraintObservation o) {
        if (o.notNullElsewhere() == null || Boolean.TRUE.equals(o.columnNotNull())) {
            return Optional.empty();
        }
        return Optional.of("column " + ((ConstraintDefinition.NotNull) d.shape()).column() + " of " + d.schema()
                + "." + d.table() + " already has the NOT NULL constraint " + o.notNullElsewhere() + ", NOT VALID; "
                + "PostgreSQL keeps one NOT NULL constraint per column, so " + d.name() + " cannot be added beside "
                + "it: set spec.name to " + o.notNullElsewhere() + " to adopt and validate it, or validate or drop "
                + "it yourself; it is never touched");
    }
}
