package dev.pgindex.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;

/**
 * One table constraint (a foreign key, a CHECK or a NOT NULL) added online: checked for violating rows first, added
 * NOT VALID under a short lock, then validated in its own transaction while reads and writes go on.
 * {@code metadata.name} is the Kubernetes name; {@code spec.name} the PostgreSQL constraint name.
 */
@Group(PostgresIndex.GROUP)
@Version(PostgresIndex.VERSION)
@Plural("postgresconstraints")
@ShortNames({"pgconstraint", "pgcon"})
@AdditionalPrinterColumn(name = "Kind", jsonPath = ".status.kind", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Table", jsonPath = ".spec.table", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Constraint", jsonPath = ".spec.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Step", jsonPath = ".status.step", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Violations", jsonPath = ".status.violations.count",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class PostgresConstraint extends CustomResource<PostgresConstraintSpec, PostgresConstraintStatus>
        implements Namespaced {
    @Override
    protected PostgresConstraintStatus initStatus() {
        return new PostgresConstraintStatus();
    }
}
