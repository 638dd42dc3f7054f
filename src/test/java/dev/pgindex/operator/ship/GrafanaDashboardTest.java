package dev.pgindex.operator.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static dev.pgindex.operator.ship.Helm.at;
import static dev.pgindex.operator.ship.Helm.kind;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard ships in the chart as a ConfigMap for Grafana's sidecar, off by default; every query names
 * operator metrics (UsageIT checks that the running operator serves each of them at /q/metrics).
 */
class GrafanaDashboardTest {
    @Test
    void shouldShipTheDashboardOnlyWhenAskedLabelledForTheSidecar() throws Exception {
        assertThat(HelmChartTest.render().stream().map(Helm::kind)).doesNotContain("ConfigMap");
        List<Map<String, Object>> objects = HelmChartTest.render("--set", "grafanaDashboard.enabled=true",
                "--set", "grafanaDashboard.annotations.grafana_folder=PostgreSQL");
        Map<String, Object> cm = HelmChartTest.only(objects, "ConfigMap");
        Map<String, String> labels = at(cm, "metadata.labels");
        assertThat(labels).containsEntry("grafana_dashboard", "1");
        assertThat(Helm.namespace(cm)).isEqualTo(HelmChartTest.NS);
        Map<String, String> annotations = at(cm, "metadata.annotations");
        assertThat(annotations).containsEntry("grafana_folder", "PostgreSQL");
        Map<String, String> data = at(cm, "data");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(data.get("pgindex-operator.json")))
                .as("the ConfigMap holds the dashboard file unchanged").isEqualTo(json.readTree(Files.readString(GrafanaDashboard.FILE)));
        assertThat(kind(cm)).isEqualTo("ConfigMap");
    }

    @Test
    void shouldNameOperatorMetricsInEveryQuery() {
        List<String> queries = GrafanaDashboard.queries();
        assertThat(queries).hasSizeGreaterThan(10);
        for (String q : queries) {
            assertThat(GrafanaDashboard.metrics(q)).as("metrics named by %s", q).isNotEmpty();
        }
        assertThat(GrafanaDashboard.metrics()).contains("pgindex_builds_started_total", "pgindex_resources",
                "pgindex_build_duration_seconds_bucket", "pgindex_index_size_bytes", "pgindex_index_scans_total",
                "pgindex_index_unused");
        for (JsonNode panel : GrafanaDashboard.json().path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                        .isEqualTo("${datasource}");
                assertThat(panel.path("description").asText()).as(panel.path("title").asText()).isNotBlank();
            }
        }
    }
}
