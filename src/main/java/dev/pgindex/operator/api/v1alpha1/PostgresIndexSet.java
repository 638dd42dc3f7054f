package dev.pgindex.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One index template rolled out to many targets (databases x schemas): the set stamps one ordinary PostgresIndex
 * per target, owned through ownerReferences, and paces them with a canary, a bound on builds in flight and a
 * failure budget.
 */
@Group(PostgresIndex.GROUP)
@Version(PostgresIndex.VERSION)
@Plural("postgresindexsets")
@ShortNames({"pgidxset"})
@AdditionalPrinterColumn(name = "Index", jsonPath = ".spec.template.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Targets", jsonPath = ".status.targets", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Stalled", jsonPath = ".status.stalled", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class PostgresIndexSet extends CustomResource<PostgresIndexSetSpec, PostgresIndexSetStatus>
        implements Namespaced {
    @Override
    protected PostgresIndexSetStatus initStatus() {
        return new PostgresIndexSetStatus();
    }
}
