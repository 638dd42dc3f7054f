package dev.pgindex.operator.ship;

import dev.pgindex.operator.support.Cli;
import org.junit.jupiter.api.Assumptions;
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
 * The helm CLI (hack/install-helm.sh puts it into ~/.cache/pgindex-operator/bin) and the rendered chart as plain
 * objects. Tests that need helm skip when it is missing, except in CI (CI=true), where a missing helm fails them.
 */
public final class Helm {
    public static final Path CHART = Path.of("helm", "pgindex-operator").toAbsolutePath();

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

    /** helm, or skip the test with a message saying how to get it (fail instead in CI). */
    public static Path require() {
        Optional<Path> helm = binary();
        String message = "helm is not installed: run hack/install-helm.sh (it builds helm into "
                + "~/.cache/pgindex-operator/bin) or pass -Dhelm.binary=/path/to/helm";
        if (helm.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.assumeTrue(helm.isPresent(), message);
        return helm.get();
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
