package dev.pgindex.operator.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The chart's Grafana dashboard: its PromQL queries and the operator metrics they name. */
public final class GrafanaDashboard {
    public static final Path FILE = Helm.CHART.resolve("dashboards").resolve("pgindex-operator.json");
    private static final Pattern METRIC = Pattern.compile("\\bpgindex_[a-zA-Z0-9_:]*");

    private GrafanaDashboard() {
    }

    public static JsonNode json() {
        try {
            return new ObjectMapper().readTree(FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every PromQL query: the panels' targets and the templating variables' queries. */
    public static List<String> queries() {
        List<String> out = new ArrayList<>();
        JsonNode d = json();
        for (JsonNode panel : d.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.path("expr").asText());
            }
        }
        for (JsonNode v : d.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                JsonNode q = v.path("query");
                out.add(q.isObject() ? q.path("query").asText() : q.asText());
            }
        }
        return out;
    }

    /** The operator metric names (pgindex_*) a query names. */
    public static Set<String> metrics(String query) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(query);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The operator metric names of every query of the dashboard. */
    public static Set<String> metrics() {
        Set<String> names = new TreeSet<>();
        queries().forEach(q -> names.addAll(metrics(q)));
        return names;
    }
}
