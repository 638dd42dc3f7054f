package dev.pgindex.operator.spec;

import dev.pgindex.operator.api.v1alpha1.ForeignKeySpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.postgres.ConstraintDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;

import java.time.Duration;

/**
 * A PostgresConstraint's spec parsed once: the constraint (every identifier and the CHECK expression checked), the
 * re-check interval and the maintenance windows. A bad value throws {@link InvalidDefinitionException} here, once,
 * and the resource stalls as InvalidSpec before anything is sent.
 */
public record ParsedConstraint(ConstraintDefinition definition, Duration recheckInterval, int lockRetries,
        Windows windows) {

    public static ParsedConstraint of(PostgresConstraintSpec spec, Windows operatorDefault) {
        if (spec == null || spec.kind() == null) {
            throw new InvalidDefinitionException("exactly one of foreignKey, check and notNull must be set");
        }
        String schema = spec.getSchema() == null ? "public" : spec.getSchema();
        ConstraintDefinition.Shape shape;
        if (spec.getForeignKey() != null) {
            ForeignKeySpec fk = spec.getForeignKey();
            if (fk.getReferences() == null) {
                throw new InvalidDefinitionException("foreignKey.references is missing");
            }
            shape = new ConstraintDefinition.ForeignKey(fk.getColumns(),
                    fk.getReferences().getSchema() == null ? "public" : fk.getReferences().getSchema(),
                    fk.getReferences().getTable(), fk.getReferences().getColumns(), fk.getOnDelete().sql(),
                    fk.getOnUpdate().sql(), fk.getMatch().sql(), Boolean.TRUE.equals(fk.getDeferrable()),
                    Boolean.TRUE.equals(fk.getInitiallyDeferred()));
        } else if (spec.getCheck() != null) {
            shape = new ConstraintDefinition.Check(spec.getCheck().getExpression());
        } else {
            shape = new ConstraintDefinition.NotNull(spec.getNotNull().getColumn());
        }
        ConstraintDefinition def = new ConstraintDefinition(schema, spec.getTable(), spec.getName(), shape);
        Duration recheck = Specs.duration(spec.getRecheckInterval() == null ? "5m" : spec.getRecheckInterval());
        int retries = spec.getLockRetries() == null ? 10 : spec.getLockRetries();
        return new ParsedConstraint(def, recheck, retries, Windows.of(spec.getSchedule(), operatorDefault));
    }
}
