package dev.pgindex.operator.api;

import dev.pgindex.operator.api.v1alpha1.Identifiers;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSet;
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
 * crds/postgresindexsets.pgindex.dev-v1.yml is generated from the Java types, like the PostgresIndex CRD (see
 * {@link CrdGenerationTest}); {@code hack/update-crds.sh} rewrites it and its copies in deploy/ and the chart.
 */
class IndexSetCrdGenerationTest {
    static final String FILE = "postgresindexsets.pgindex.dev-v1.yml";
    static final List<Path> COPIES = List.of(Path.of("deploy", "01-crd-indexset.yaml"),
            Path.of("helm", "pgindex-operator", "crds", FILE));
    static final List<String> COLUMN_ORDER = List.of("Index", "Targets", "Ready", "Stalled", "Status", "Age");

    /** Descriptions and bounds the annotations cannot express (items of lists, values of maps). */
    static final CRDPostProcessor POST = new CRDPostProcessor() {
        @Override
        public HasMetadata process(HasMetadata crd, String version) {
            if (crd instanceof CustomResourceDefinition d) {
                d.getSpec().getVersions().forEach(v -> {
                    JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
                    root.setDescription("One index template rolled out to many databases and schemas: "
                            + "pgindex-operator stamps one PostgresIndex per target (owned through "
                            + "ownerReferences) and paces them with a canary, a bound on targets in flight and a "
                            + "failure budget.");
                    root.getProperties().get("spec").setDescription("The index template, the targets (databases "
                            + "x schemas) and the rollout's pace.");
                    JSONSchemaProps status = root.getProperties().get("status");
                    status.setDescription("The rollout as the operator last saw it: counts over the targets, the "
                            + "stalled ones by name, and conditions Ready, Reconciling and Stalled.");
                    status.setDefault(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                            .put("observedGeneration", -1));
                    CrdGenerationTest.describeConditions(status);
                    Map<String, JSONSchemaProps> spec = root.getProperties().get("spec").getProperties();
                    // the template inherits PostgresIndexSpec's rules; its transition rules (X is immutable)
                    // do not hold for a template, whose definition may change together with its name (the
                    // spec-level rule says so)
                    JSONSchemaProps templateSchema = spec.get("template");
                    templateSchema.setXKubernetesValidations(templateSchema.getXKubernetesValidations().stream()
                            .filter(r -> !r.getRule().contains("oldSelf")).toList());
                    Map<String, JSONSchemaProps> template = templateSchema.getProperties();
                    identifiers(template.get("include"));
                    template.get("include").setXKubernetesListType("set");
                    JSONSchemaProps values = template.get("storageParameters").getAdditionalProperties().getSchema();
                    values.setPattern("^[A-Za-z0-9_.+-]+$");
                    values.setMinLength(1L);
                    values.setMaxLength(64L);
                    JSONSchemaProps names = spec.get("schemas").getProperties().get("names");
                    identifiers(names);
                    names.setXKubernetesListType("set");
                    names.getItems().getSchema().setXKubernetesValidations(List.of(
                            new io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRuleBuilder()
                                    .withRule("!self.startsWith('pg_') && self != 'information_schema'")
                                    .withMessage("system schemas (information_schema, pg_*) are never a target")
                                    .build()));
                    JSONSchemaProps secretNames = spec.get("databases").getProperties().get("secretNames");
                    secretNames.getItems().getSchema().setPattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
                    secretNames.getItems().getSchema().setMinLength(1L);
                    secretNames.getItems().getSchema().setMaxLength(253L);
                    secretNames.setXKubernetesListType("set");
                    JSONSchemaProps labels = spec.get("databases").getProperties().get("secretSelector")
                            .getProperties().get("matchLabels").getAdditionalProperties().getSchema();
                    labels.setMaxLength(63L);
                    CrdGenerationTest.orderColumns(v, COLUMN_ORDER);
                });
            }
            return crd;
        }
    };

    static void identifiers(JSONSchemaProps list) {
        JSONSchemaProps item = list.getItems().getSchema();
        item.setPattern(Identifiers.PATTERN);
        item.setMinLength(1L);
        item.setMaxLength(63L);
    }

    static String generate() throws IOException {
        return CrdGenerationTest.generate(PostgresIndexSet.class, POST, FILE);
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
    void shouldBoundTheTemplatesWindowDurationAtAdmissionAsTheOperatorDoes() throws IOException {
        CrdGenerationTest.assertWindowDurationRule(CrdGenerationTest.specOf(generate()).getProperties().get("template"));
    }

    @Test
    void shouldDescribeEveryField() throws IOException {
        assertThat(CrdGenerationTest.undocumented(generate())).isEmpty();
    }

    @Test
    void shouldLeaveConnectionAndSchemaOutOfTheTemplateAndKeepItsRulesWithoutTransitions() throws IOException {
        CustomResourceDefinition crd = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(generate(),
                CustomResourceDefinition.class);
        JSONSchemaProps template = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
                .getProperties().get("spec").getProperties().get("template");
        assertThat(template.getProperties()).doesNotContainKeys("connection", "schema")
                .containsKeys("table", "name", "columns", "unique", "reclaimPolicy");
        assertThat(template.getRequired()).containsExactlyInAnyOrder("table", "name", "columns");
        // the template may change (a new name rolls out a new index): no rule on it compares with oldSelf
        assertThat(template.getXKubernetesValidations()).isNotEmpty()
                .noneMatch(r -> r.getRule().contains("oldSelf"));
    }
}
