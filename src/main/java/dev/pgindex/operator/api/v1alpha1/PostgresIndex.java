package dev.pgindex.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One PostgreSQL index, built with CREATE INDEX CONCURRENTLY and kept valid by the operator.
 * {@code metadata.name} is the Kubernetes name; {@code spec.name} is the PostgreSQL index name.
 */
@Group(PostgresIndex.GROUP)
@Version(PostgresIndex.VERSION)
@Plural("postgresindexes")
@ShortNames({"pgindex", "pgidx"})
@AdditionalPrinterColumn(name = "Table", jsonPath = ".spec.table", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Index", jsonPath = ".spec.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress.display", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Partitions", jsonPath = ".status.partitions.display",
        type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Blocker", jsonPath = ".status.blockedBy", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Waiting", jsonPath = ".status.guards.waiting", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Size", jsonPath = ".status.usage.size", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Scans", jsonPath = ".status.usage.scans", type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1)
@AdditionalPrinterColumn(name = "Unused", jsonPath = ".status.usage.unusedSince", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class PostgresIndex extends CustomResource<PostgresIndexSpec, PostgresIndexStatus> implements Namespaced {
    public static final String GROUP = "pgindex.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    protected PostgresIndexStatus initStatus() {
        return new PostgresIndexStatus();
    }
}
