package dev.pgindex.operator.ship;

import dev.pgindex.operator.support.Cli;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The helm CLI and the rendered chart as plain objects. When no helm is installed, the first test that needs it
 * builds one with hack/install-helm.sh (from the Go module proxy, into ~/.cache/pgindex-operator/bin, once; Go is a
 * prerequisite of the suite anyway, for the control plane), so `mvn -B verify` runs the Helm tests on a fresh
 * machine. Without Go that fails with one message saying so.
 */
public final class Helm {
    public static final Path CHART = Path.of("helm", "pgindex-operator").toAbsolutePath();
    private static Path installed;
    private static String installFailure;

    private Helm() {
    }

    /** helm from -Dhelm.binary, $PGINDEX_HELM, the cache of hack/install-helm.sh, or PATH. */
    public static Optional<Path> binary() {
        String cache = Optional.ofNullable(System.getenv("PGINDEX_CACHE"))
                .orElse(System.getProperty("user.home") + "/.cache/pgindex-operator");
        Stream<String> candidates = Stream.of(System.getProperty("helm.binary"), System.getenv("PGINDEX_HELM"),
                cache + "/bin/helm");
        Stream<String> onPath = Arrays.stream(Optional.ofNullable(System.getenv("PATH")).orElse("").split(":"))
                .filter(d -> !d.isEmpty()).map(d -> d + "/helm");
        return Stream.concat(candidates, onPath).filter(Objects::nonNull).map(Path::of)
                .filter(Files::isExecutable).findFirst();
    }

    /** helm, built by hack/install-helm.sh if there is none (once per test JVM); fails saying why if that fails. */
    public static synchronized Path require() {
        Optional<Path> helm = binary();
        if (helm.isPresent()) {
            return helm.get();
        }
        if (installed == null && installFailure == null) {
            Cli.Result r = Cli.run(Map.of(), Duration.ofMinutes(20), null, "hack/install-helm.sh");
            List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
            if (r.ok() && !lines.isEmpty() && Files.isExecutable(Path.of(lines.get(lines.size() - 1).trim()))) {
                installed = Path.of(lines.get(lines.size() - 1).trim());
            } else {
                installFailure = r.err().strip();
            }
        }
        if (installed == null) {
            throw new AssertionError("helm is not installed and hack/install-helm.sh could not build it (it needs Go "
                    + "and the Go module proxy; or pass -Dhelm.binary=/path/to/helm):\n" + installFailure);
        }
        return installed;
    }

    /** Runs helm with its config, cache and data directories under target/ (no user state). */
    public static Cli.Result run(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(require().toString());
        cmd.addAll(List.of(args));
        Path home = Path.of("target", "helm-home").toAbsolutePath();
        try {
            Files.createDirectories(home);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> all = new HashMap<>();
        all.put("HELM_CONFIG_HOME", home.resolve("config").toString());
        all.put("HELM_CACHE_HOME", home.resolve("cache").toString());
        all.put("HELM_DATA_HOME", home.resolve("data").toString());
        all.putAll(env);
        return Cli.run(all, Duration.ofMinutes(2), null, cmd.toArray(String[]::new));
    }

    /** {@code helm template RELEASE CHART -n NAMESPACE ARGS...} (ARGS such as --set k=v, -f file). */
    public static Cli.Result template(String release, String namespace, String... args) {
        List<String> all = new ArrayList<>(List.of("template", release, CHART.toString(), "--namespace", namespace));
        all.addAll(List.of(args));
        return run(Map.of(), all.toArray(String[]::new));
    }

    /** Rendered objects as plain maps, in render order (empty documents dropped). */
    public static List<Map<String, Object>> objects(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) m;
                objects.add(object);
            }
        }
        return objects;
    }

    /** The documents of a multi-document YAML text, split at the {@code ---} lines, blank ones dropped. */
    public static List<String> documents(String yaml) {
        return Arrays.stream(yaml.split("(?m)^---[ \\t]*\\n")).filter(d -> !d.isBlank()).toList();
    }

    /** A value at a dotted path ("spec.template.spec.containers"), or null. */
    @SuppressWarnings("unchecked")
    public static <T> T at(Map<String, Object> object, String path) {
        Object current = object;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return (T) current;
    }

    public static String kind(Map<String, Object> o) {
        return (String) o.get("kind");
    }

    public static String name(Map<String, Object> o) {
        return at(o, "metadata.name");
    }

    public static String namespace(Map<String, Object> o) {
        return at(o, "metadata.namespace");
    }

    /** "Kind namespace/name" (or "Kind name" for cluster-scoped objects). */
    public static String id(Map<String, Object> o) {
        return kind(o) + " " + (namespace(o) == null ? "" : namespace(o) + "/") + name(o);
    }
}
