package dev.pgindex.operator.api;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * crds/ holds the CRD generated from the Java types. This test regenerates it and fails when the committed file
 * is stale; run {@code hack/update-crds.sh} (or this test with -Dcrds.update=true) to rewrite it.
 */
class CrdGenerationTest {
    static final String FILE = "postgresindexes.pgindex.dev-v1.yml";
    /** The copies that ship the CRD: kustomize (which cannot read ../crds) and the Helm chart. */
    static final List<Path> COPIES = List.of(Path.of("deploy", "01-crd.yaml"),
            Path.of("helm", "pgindex-operator", "crds", FILE));
    static final List<String> COLUMN_ORDER = List.of("Table", "Index", "Phase", "Progress", "Ready", "Partitions", "Blocker", "Waiting", "Size", "Scans", "Unused", "Age");

    /** The standard condition fields (io.fabric8 Condition carries no descriptions of its own). */
    static final java.util.Map<String, String> CONDITION_FIELDS = java.util.Map.of(
            "type", "Ready, Reconciling or Stalled.",
            "status", "True, False or Unknown.",
            "reason", "CamelCase reason from a fixed set (see the README's conditions table).",
            "message", "What is happening, for a person.",
            "lastTransitionTime", "When status last changed from one value to another (RFC 3339).",
            "observedGeneration", "The metadata.generation this condition was computed for.");

    /** Fabric8 emits printer columns in no fixed order; kubectl shows them in list order. */
    static final CRDPostProcessor ORDER_COLUMNS = new CRDPostProcessor() {
        @Override
        public io.fabric8.kubernetes.api.model.HasMetadata process(io.fabric8.kubernetes.api.model.HasMetadata crd,
                String version) {
            if (crd instanceof CustomResourceDefinition d) {
                d.getSpec().getVersions().forEach(v -> {
                    describeConditions(v.getSchema().getOpenAPIV3Schema().getProperties().get("status"));
                    // Fabric8 has no annotations for list items and map values; the API server needs bounded
                    // strings there to estimate the cost of the CEL rules.
                    JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
                    root.setDescription("One PostgreSQL index, built with CREATE INDEX CONCURRENTLY and kept valid "
                            + "by pgindex-operator. metadata.name is the Kubernetes name; spec.name is the index name.");
                    root.getProperties().get("spec").setDescription("The desired index. Fields mirror CREATE INDEX; "
                            + "those that define the index are immutable (create a new PostgresIndex to change one).");
                    root.getProperties().get("status").setDescription("What the operator observed, following the "
                            + "Kubernetes API conventions: conditions Ready, Reconciling and Stalled, and facts about "
                            + "the index and its builds.");
                    // a new object reads as in progress until the operator has looked at it: kstatus (Flux, the
                    // cli-utils library) takes "no observedGeneration and no conditions" for Current, so the API
                    // server fills status with observedGeneration -1 until the operator writes it (as Flux's CRDs do)
                    root.getProperties().get("status").setDefault(com.fasterxml.jackson.databind.node.JsonNodeFactory
                            .instance.objectNode().put("observedGeneration", -1));
                    java.util.Map<String, JSONSchemaProps> spec = root.getProperties().get("spec").getProperties();
                    JSONSchemaProps include = spec.get("include");
                    include.getItems().getSchema().setPattern(dev.pgindex.operator.api.v1alpha1.Identifiers.PATTERN);
                    include.getItems().getSchema().setMinLength(1L);
                    include.getItems().getSchema().setMaxLength(63L);
                    include.setXKubernetesListType("set");
                    JSONSchemaProps values = spec.get("storageParameters").getAdditionalProperties().getSchema();
                    values.setPattern("^[A-Za-z0-9_.+-]+$");
                    values.setMinLength(1L);
                    values.setMaxLength(64L);
                    orderColumns(v, COLUMN_ORDER);
                });
            }
            return crd;
        }
    };

    static String generate() throws IOException {
        return generate(PostgresIndex.class, ORDER_COLUMNS, FILE);
    }

    /** One kind's CRD as the generator writes it, with its post-processor (descriptions and bounds). */
    static String generate(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind,
            io.fabric8.crdv2.generator.CRDPostProcessor post, String file) throws IOException {
        Path dir = Files.createTempDirectory("crd");
        new CRDGenerator().inOutputDir(dir.toFile()).forCRDVersions("v1").withPostProcessor(post)
                .customResourceClasses(kind).generate();
        return Files.readString(dir.resolve(file));
    }

    /**
     * crds/{@code file} and its copies equal {@code generated}; with -Dcrds.update=true (hack/update-crds.sh) they
     * are rewritten first.
     */
    static void assertCommitted(String generated, String file, List<Path> copies) throws IOException {
        Path committed = Path.of("crds", file);
        if (Boolean.getBoolean("crds.update")) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, generated);
            for (Path copy : copies) {
                if (Files.isDirectory(copy.getParent())) {
                    Files.writeString(copy, generated);
                }
            }
        }
        assertThat(Files.readString(committed))
                .as("crds/%s is stale: run hack/update-crds.sh and commit the result", file).isEqualTo(generated);
        for (Path copy : copies) {
            assertThat(Files.readString(copy)).as("%s is stale: run hack/update-crds.sh", copy).isEqualTo(generated);
        }
    }

    /** Printer columns in {@code order} (the others last), as kubectl shows them. */
    static void orderColumns(io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion v,
            List<String> order) {
        List<CustomResourceColumnDefinition> cols = new ArrayList<>(v.getAdditionalPrinterColumns());
        cols.sort(Comparator.comparingInt(c -> order.indexOf(c.getName()) < 0 ? 99 : order.indexOf(c.getName())));
        v.setAdditionalPrinterColumns(cols);
    }

    /** The conditions' fields described (the generator cannot: Condition is Fabric8's). */
    static void describeConditions(JSONSchemaProps status) {
        JSONSchemaProps conditions = status.getProperties().get("conditions").getItems().getSchema();
        CONDITION_FIELDS.forEach((name, text) -> conditions.getProperties().get(name).setDescription(text));
    }

    @Test
    void shouldMatchTheCommittedCrdAndKeepEveryShippedCopyIdentical() throws IOException {
        assertCommitted(generate(), FILE, COPIES);
    }

    @Test
    void shouldOrderPrinterColumnsForKubectlGet() throws IOException {
        assertColumnsInOrder(generate(), COLUMN_ORDER);
    }

    /** kubectl shows printer columns in the order the CRD lists them. */
    static void assertColumnsInOrder(String crd, List<String> order) {
        int last = -1;
        for (String col : order) {
            int at = crd.indexOf("name: \"" + col + "\"");
            assertThat(at).as(col).isGreaterThan(last);
            last = at;
        }
    }

    /**
     * A window's duration is refused at admission outside what the operator accepts (Windows: 1m to 168h), not
     * only when malformed; AdmissionIT proves the rule on a real API server.
     */
    @Test
    void shouldBoundTheWindowDurationAtAdmissionAsTheOperatorDoes() throws IOException {
        assertWindowDurationRule(specOf(generate()));
    }

    static JSONSchemaProps specOf(String crdYaml) {
        return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(crdYaml, CustomResourceDefinition.class)
                .getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    static void assertWindowDurationRule(JSONSchemaProps spec) {
        JSONSchemaProps duration = spec.getProperties().get("schedule").getProperties().get("windows").getItems()
                .getSchema().getProperties().get("duration");
        assertThat(duration.getPattern()).isEqualTo("^([0-9]+(m|h))+$");
        // without a bound the API server estimates the rule's cost over its budget and refuses the whole CRD
        assertThat(duration.getMaxLength()).isNotNull();
        assertThat(duration.getXKubernetesValidations()).singleElement().satisfies(r -> {
            assertThat(r.getRule()).isEqualTo("!self.matches('^([0-9]+(m|h))+$') || (duration(self) >= duration('1m') "
                    + "&& duration(self) <= duration('168h'))");
            assertThat(r.getMessage()).isEqualTo("duration must be between 1m and 168h");
        });
    }

    @Test
    void shouldDescribeEverySpecAndStatusField() throws IOException {
        // every property in the schema carries a description, so kubectl explain teaches the whole API
        assertThat(undocumented(generate())).isEmpty();
    }

    /** The spec and status properties of a CRD with no description (what kubectl explain would leave blank). */
    static List<String> undocumented(String crdYaml) {
        CustomResourceDefinition crd = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(crdYaml,
                CustomResourceDefinition.class);
        JSONSchemaProps root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
        List<String> undocumented = new ArrayList<>();
        walk("spec", root.getProperties().get("spec"), undocumented);
        walk("status", root.getProperties().get("status"), undocumented);
        return undocumented;
    }

    static void walk(String path, JSONSchemaProps p, List<String> undocumented) {
        if (p == null) {
            return;
        }
        if (p.getProperties() != null) {
            p.getProperties().forEach((name, child) -> {
                if (child.getDescription() == null || child.getDescription().isBlank()) {
                    undocumented.add(path + "." + name);
                }
                walk(path + "." + name, child, undocumented);
            });
        }
        if (p.getItems() != null && p.getItems().getSchema() != null) {
            walk(path + "[]", p.getItems().getSchema(), undocumented);
        }
    }
}
