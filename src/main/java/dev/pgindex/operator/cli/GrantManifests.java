package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pgindex.operator.api.v1alpha1.AnalyzeMode;
import dev.pgindex.operator.api.v1alpha1.BlockerAction;
import dev.pgindex.operator.api.v1alpha1.CollationDriftPolicy;
import dev.pgindex.operator.api.v1alpha1.CorruptionPolicy;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.Feature;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The features a set of manifests turns on, table by table: PostgresIndex, PostgresIndexSet (its template, in each
 * schema it names) and PostgresConstraint, from YAML or JSON files (several documents, or a v1 List, each).
 */
final class GrantManifests {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** A table and what the manifests do on it; {@code key} is schema.table, unquoted. */
    record Use(String schema, String table, Set<Feature> features) {
    }

    /** The tables by schema.table, and what could not be derived. */
    record Result(Map<String, Use> uses, List<String> notes) {
        void add(String schema, String table, Set<Feature> features) {
            uses.computeIfAbsent(schema + "." + table, k -> new Use(schema, table, EnumSet.noneOf(Feature.class)))
                    .features().addAll(features);
        }
    }

    private GrantManifests() {
    }

    static Result read(List<String> paths) {
        Result r = new Result(new TreeMap<>(), new ArrayList<>());
        for (String p : paths) {
            for (Path file : files(Path.of(p))) {
                try {
                    for (JsonNode doc : YAML.readerFor(JsonNode.class).readValues(file.toFile()).readAll()
                            .stream().map(JsonNode.class::cast).toList()) {
                        resource(doc, file, r);
                    }
                } catch (IOException | RuntimeException e) {
                    throw Main.Failure.usage("cannot read " + file + ": " + e.getMessage());
                }
            }
        }
        return r;
    }

    private static List<Path> files(Path p) {
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        if (!Files.isDirectory(p)) {
            throw Main.Failure.usage("-f " + p + ": no such file or directory");
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$")).sorted().toList();
        } catch (IOException e) {
            throw Main.Failure.usage("cannot list " + p + ": " + e.getMessage());
        }
    }

    private static void resource(JsonNode doc, Path file, Result r) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
            return;
        }
        String kind = doc.path("kind").asText();
        JsonNode spec = doc.path("spec");
        switch (kind) {
            case "List" -> doc.path("items").forEach(i -> resource(i, file, r));
            case "PostgresIndex" -> {
                PostgresIndexSpec s = SERIALIZATION.convertValue(spec, PostgresIndexSpec.class);
                r.add(s.getSchema(), s.getTable(), index(s));
            }
            case "PostgresIndexSet" -> {
                PostgresIndexSetSpec s = SERIALIZATION.convertValue(spec, PostgresIndexSetSpec.class);
                List<String> schemas = s.getSchemas() != null && s.getSchemas().getNames() != null
                        ? s.getSchemas().getNames() : List.of(s.getTemplate().getSchema());
                if (s.getSchemas() != null && s.getSchemas().getPattern() != null) {
                    r.notes().add(name(doc) + ": schemas matched by pattern " + s.getSchemas().getPattern()
                            + " are not listed: name them with --table SCHEMA." + s.getTemplate().getTable());
                }
                r.notes().add(name(doc) + ": a set reaches several databases: print the grants for each");
                for (String schema : schemas) {
                    r.add(schema, s.getTemplate().getTable(), index(s.getTemplate()));
                }
            }
            case "PostgresConstraint" -> {
                PostgresConstraintSpec s = SERIALIZATION.convertValue(spec, PostgresConstraintSpec.class);
                Set<Feature> f = EnumSet.of(Feature.CONSTRAINT);
                if (s.getCheck() != null) {
                    f.add(Feature.CHECK);
                }
                if (s.getReclaimPolicy() == ReclaimPolicy.Delete) {
                    f.add(Feature.DROP);
                }
                r.add(s.getSchema(), s.getTable(), f);
                if (s.getForeignKey() != null) {
                    r.add(s.getForeignKey().getReferences().getSchema(), s.getForeignKey().getReferences().getTable(),
                            EnumSet.of(Feature.FOREIGN_KEY));
                }
            }
            default -> r.notes().add(file + ": " + (kind.isEmpty() ? "a document without kind" : kind)
                    + " skipped (only PostgresIndex, PostgresIndexSet and PostgresConstraint)");
        }
    }

    private static String name(JsonNode doc) {
        return doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
    }

    /** What a PostgresIndex spec turns on (PARTITIONS is known only from the catalog). */
    static Set<Feature> index(PostgresIndexSpec s) {
        Set<Feature> f = EnumSet.of(Feature.BUILD, Feature.USAGE, Feature.COLLATION_DRIFT);
        if (s.getReclaimPolicy() == ReclaimPolicy.Delete) {
            f.add(Feature.DROP);
        }
        if (s.getConstraint() != null) {
            f.add(Feature.CONSTRAINT);
        }
        AnalyzeMode analyze = s.getBuildSettings() == null ? AnalyzeMode.Auto : s.getBuildSettings().getAnalyze();
        boolean computed = s.getWhere() != null || s.getColumns().stream().map(IndexColumn::getExpression)
                .anyMatch(e -> e != null);
        if (analyze == AnalyzeMode.Always || analyze == AnalyzeMode.Auto && computed) {
            f.add(Feature.ANALYZE);
        }
        if (s.getReplicaLag() != null) {
            f.add(Feature.REPLICA_LAG);
        }
        if (s.getBlockingSessions() != null) {
            if (s.getBlockingSessions().getAction() != BlockerAction.Report) {
                f.add(Feature.BLOCKING_SESSIONS);
            }
            if (s.getBlockingSessions().getStates() != null && !s.getBlockingSessions().getStates().isEmpty()) {
                f.add(Feature.BLOCKER_DETAILS);
            }
        }
        boolean rebuild = s.getRebuild() != null;
        if (s.getHealth() != null) {
            if (s.getHealth().getVerify() != null && Boolean.TRUE.equals(s.getHealth().getVerify().getEnabled())) {
                f.add(Feature.VERIFY);
                rebuild |= s.getHealth().getOnCorruption() == CorruptionPolicy.Rebuild;
            }
            if (s.getHealth().getBloat() != null) {
                f.add(Feature.BLOAT);
                rebuild |= s.getHealth().getBloat().getRebuildAbovePercent() != null;
            }
            rebuild |= s.getHealth().getCollationDrift() == CollationDriftPolicy.Rebuild;
        }
        if (rebuild) {
            f.add(Feature.REBUILD);
        }
        return f;
    }
}
