package dev.pgindex.operator.ship;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/ is the chart's default render (release pgindex-operator in namespace pgindex-system: cluster-wide, one
 * replica) split into numbered files, plus the namespace and the CRD, which Helm does not template. This test renders
 * the chart and fails when deploy/ differs in any byte; {@code hack/update-deploy.sh} (this test with
 * -Ddeploy.update=true) rewrites deploy/ from the chart.
 */
class DeployDriftTest {
    static final String RELEASE = "pgindex-operator";
    static final String NAMESPACE = "pgindex-system";
    static final Path DEPLOY = Path.of("deploy");
    /**
     * deploy/ files that do not come from the templates: the namespace, and the CRDs (checked by CrdGenerationTest
     * and IndexSetCrdGenerationTest).
     */
    static final List<String> NOT_RENDERED = List.of("00-namespace.yaml", "01-crd.yaml", "01-crd-indexset.yaml",
            "01-crd-constraint.yaml");
    /** The number of the first rendered file (after 00-namespace and the 01-crd files). */
    static final int FIRST_RENDERED = 2;
    static final String HEADER = """
            # Generated from the Helm chart's default values by hack/update-deploy.sh:
            #   helm template %s helm/pgindex-operator --namespace %s
            # DeployDriftTest fails when this file and the chart differ: change the chart, then run the script.
            """.formatted(RELEASE, NAMESPACE);
    /** Labels that say Helm manages an object; kubectl apply -k does not. */
    static final String HELM_LABEL_LINE = "(?m)^\\s+(helm\\.sh/chart|app\\.kubernetes\\.io/managed-by): .*\\n";

    /** File name to content: what deploy/ must hold for the templates, in the order Helm installs them. */
    static Map<String, String> expected() {
        String rendered = Helm.template(RELEASE, NAMESPACE).check().out();
        Map<String, String> files = new LinkedHashMap<>();
        int number = FIRST_RENDERED;
        for (String doc : Helm.documents(rendered)) {
            Map<String, Object> object = Helm.objects(doc).get(0);
            String suffix = Helm.name(object).equals(RELEASE) ? "" : Helm.name(object).replace(RELEASE, "");
            String file = "%02d-%s%s.yaml".formatted(number++, Helm.kind(object).toLowerCase(), suffix);
            files.put(file, HEADER + doc.replaceAll(HELM_LABEL_LINE, ""));
        }
        return files;
    }

    static String kustomization(List<String> resources) {
        StringBuilder b = new StringBuilder("""
                # kubectl apply -k deploy/ installs the operator: the namespace, the CRD and the Helm chart's default
                # render (see hack/update-deploy.sh). deploy/examples/ and deploy/argocd/ are not part of it.
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                """);
        resources.forEach(r -> b.append("  - ").append(r).append('\n'));
        return b.toString();
    }

    static List<String> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.list(DEPLOY)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void shouldHoldTheChartsDefaultRender() throws IOException {
        Map<String, String> expected = expected();
        if (Boolean.getBoolean("deploy.update")) {
            for (String file : yamlFiles()) {
                if (!NOT_RENDERED.contains(file) && !file.equals("kustomization.yaml") && !expected.containsKey(file)) {
                    Files.delete(DEPLOY.resolve(file));
                }
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Files.writeString(DEPLOY.resolve(e.getKey()), e.getValue());
            }
            List<String> resources = new ArrayList<>(NOT_RENDERED);
            resources.addAll(expected.keySet());
            Files.writeString(DEPLOY.resolve("kustomization.yaml"), kustomization(resources));
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = DEPLOY.resolve(e.getKey());
            assertThat(file).as("deploy/ lacks %s of the chart's render: run hack/update-deploy.sh", e.getKey()).exists();
            assertThat(Files.readString(file)).as("%s differs from the chart's render: run hack/update-deploy.sh", file)
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void shouldInstallExactlyTheNamespaceTheCrdAndTheRender() throws IOException {
        List<String> resources = new ArrayList<>(NOT_RENDERED);
        resources.addAll(expected().keySet());
        List<String> files = new ArrayList<>(resources);
        files.add("kustomization.yaml");
        assertThat(yamlFiles()).as("deploy/*.yaml (run hack/update-deploy.sh)").containsExactlyElementsOf(
                new TreeSet<>(files));
        assertThat(Files.readString(DEPLOY.resolve("kustomization.yaml"))).isEqualTo(kustomization(resources));
    }

    @Test
    void shouldCreateTheNamespaceTheRenderUsesWithTheRestrictedPodSecurityStandard() throws IOException {
        Map<String, Object> ns = Helm.objects(Files.readString(DEPLOY.resolve("00-namespace.yaml"))).get(0);
        assertThat(Helm.kind(ns)).isEqualTo("Namespace");
        assertThat(Helm.name(ns)).isEqualTo(NAMESPACE);
        assertThat(Helm.<Map<String, Object>>at(ns, "metadata.labels"))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        assertThat(Files.readString(DEPLOY.resolve("01-crd.yaml")))
                .isEqualTo(Files.readString(Helm.CHART.resolve("crds").resolve("postgresindexes.pgindex.dev-v1.yml")));
        assertThat(Files.readString(DEPLOY.resolve("01-crd-indexset.yaml")))
                .isEqualTo(Files.readString(Helm.CHART.resolve("crds").resolve("postgresindexsets.pgindex.dev-v1.yml")));
        assertThat(Files.readString(DEPLOY.resolve("01-crd-constraint.yaml"))).isEqualTo(Files.readString(
                Helm.CHART.resolve("crds").resolve("postgresconstraints.pgindex.dev-v1.yml")));
    }
}
