package dev.pgindex.operator.api;

import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * crds/postgresconstraints.pgindex.dev-v1.yml is generated from the Java types, like the other CRDs (see
 * {@link CrdGenerationTest}); {@code hack/update-crds.sh} rewrites it and its copies in deploy/ and the chart.
 */
class ConstraintCrdGenerationTest {
    static final String FILE = "postgresconstraints.pgindex.dev-v1.yml";
    static final List<Path> COPIES = List.of(Path.of("deploy", "01-crd-constraint.yaml"),
            Path.of("helm", "pgindex-operator", "crds", FILE));
    static final List<String> COLUMN_ORDER = List.of("Kind", "Table", "Constraint", "Step", "Violations", "Ready",
            "Age");

    /** Descriptions and bounds the annotations cannot express (items of lists). */
    static final CRDPostProcessor POST = new CRDPostProcessor() {
        @Override
        public HasMetadata process(HasMetadata crd, String version) {
            if (crd instanceof CustomResourceDefinition d) {
                d.getSpec().getVersions().forEach(v -> {
                    JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
                    root.setDescription("One table constraint (a foreign key, a CHECK or a NOT NULL) added online by "
                            + "pgindex-operator: the violating rows counted first, then ADD ... NOT VALID under a "
                            + "short lock, then VALIDATE CONSTRAINT while reads and writes go on. metadata.name is "
                            + "the Kubernetes name; spec.name is the constraint name.");
                    root.getProperties().get("spec").setDescription("The desired constraint: exactly one of "
                            + "foreignKey, check and notNull. Fields mirror ALTER TABLE ... ADD CONSTRAINT; those "
                            + "that define it are immutable (create a new PostgresConstraint to change one).");
                    JSONSchemaProps status = root.getProperties().get("status");
                    status.setDescription("What the operator observed: conditions Ready, Reconciling and Stalled, "
                            + "the step of the online protocol, the violating rows and the constraint as "
                            + "PostgreSQL prints it.");
                    status.setDefault(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                            .put("observedGeneration", -1));
                    CrdGenerationTest.describeConditions(status);
                    Map<String, JSONSchemaProps> spec = root.getProperties().get("spec").getProperties();
                    JSONSchemaProps fk = spec.get("foreignKey");
                    IndexSetCrdGenerationTest.identifiers(fk.getProperties().get("columns"));
                    IndexSetCrdGenerationTest.identifiers(fk.getProperties().get("references").getProperties()
                            .get("columns"));
                    JSONSchemaProps sample = status.getProperties().get("violations").getProperties().get("sample");
                    sample.getItems().getSchema().setDescription("One violating row's key.");
                    CrdGenerationTest.orderColumns(v, COLUMN_ORDER);
                });
            }
            return crd;
        }
    };

    static String generate() throws IOException {
        return CrdGenerationTest.generate(PostgresConstraint.class, POST, FILE);
    }

    @Test
    void shouldMatchTheCommittedCrd() throws IOException {
        CrdGenerationTest.assertCommitted(generate(), FILE, COPIES);
    }

    @Test
    void shouldOrderPrinterColumnsForKubectlGet() throws IOException {
        CrdGenerationTest.assertColumnsInOrder(generate(), COLUMN_ORDER);
    }

    @Test
    void shouldBoundTheWindowDurationAtAdmissionAsForAnIndex() throws IOException {
        CrdGenerationTest.assertWindowDurationRule(CrdGenerationTest.specOf(generate()));
    }

    @Test
    void shouldDescribeEveryField() throws IOException {
        assertThat(CrdGenerationTest.undocumented(generate())).isEmpty();
    }

    @Test
    void shouldRequireExactlyOneKindAndKeepTheDefiningFieldsImmutable() throws IOException {
        JSONSchemaProps spec = CrdGenerationTest.specOf(generate());
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("connection", "table", "name");
        assertThat(spec.getXKubernetesValidations()).anyMatch(r -> r.getMessage().equals(
                "exactly one of foreignKey, check and notNull"));
        for (String field : List.of("schema", "table", "name", "foreignKey", "check", "notNull")) {
            assertThat(spec.getXKubernetesValidations()).as(field).anyMatch(r -> r.getRule().contains("oldSelf")
                    && r.getMessage().startsWith(field + " is immutable"));
        }
    }
}
