package dev.pgindex.operator.ship;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe (src/main/docker/Dockerfile.jvm), checked after {@code mvn package} without building it: every path it
 * copies exists, together they are the whole fast-jar, the jar's class path resolves inside what is copied, and the
 * user, port and entry point agree with the Helm chart. hack/build-image.sh builds it for real (with a Debian base)
 * and the node tier (node/*IT) runs it as a pod.
 */
class ImageRecipeIT {
    static final Path DOCKERFILE = Path.of("src", "main", "docker", "Dockerfile.jvm");
    static final Path APP = Path.of("target", "quarkus-app");
    static List<String[]> instructions;

    @BeforeAll
    static void parse() throws IOException {
        assertThat(APP.resolve("quarkus-run.jar")).as("the image recipe is checked after mvn package").exists();
        instructions = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            if (line.isEmpty() && (raw.isBlank() || raw.stripLeading().startsWith("#"))) {
                continue;
            }
            if (raw.endsWith("\\")) {
                line.append(raw, 0, raw.length() - 1).append(' ');
                continue;
            }
            line.append(raw);
            String text = line.toString().strip();
            int space = text.indexOf(' ');
            instructions.add(new String[] {text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()});
            line.setLength(0);
        }
    }

    static List<String> all(String instruction) {
        return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
    }

    /** The COPY instructions as [sources..., destination]. */
    static List<List<String>> copies() {
        return all("COPY").stream().map(args -> List.of(args.split("\\s+"))).toList();
    }

    @Test
    void shouldCopyOnlyPathsThatExistAfterThePackageBuild() throws IOException {
        assertThat(all("ADD")).as("ADD fetches URLs and unpacks archives; the recipe uses COPY").isEmpty();
        assertThat(copies()).isNotEmpty();
        for (List<String> copy : copies()) {
            assertThat(copy.get(0)).as("COPY %s: no --from/--chown/--chmod flags", copy).doesNotStartWith("--");
            for (String source : copy.subList(0, copy.size() - 1)) {
                assertThat(matches(source)).as("COPY source %s matches nothing after mvn package", source).isNotEmpty();
            }
            assertThat(copy.get(copy.size() - 1)).as("COPY destination").startsWith("/deployments/");
        }
    }

    @Test
    void shouldCopyTheWholeFastJar() throws IOException {
        // everything Quarkus put into target/quarkus-app (but its dependency listing) lands in the image
        List<Path> copied = new ArrayList<>();
        for (List<String> copy : copies()) {
            for (String source : copy.subList(0, copy.size() - 1)) {
                copied.addAll(matches(source));
            }
        }
        try (Stream<Path> entries = Files.list(APP)) {
            List<Path> missing = entries.filter(p -> !p.getFileName().toString().equals("quarkus-app-dependencies.txt"))
                    .filter(p -> copied.stream().noneMatch(c -> p.normalize().equals(c.normalize())))
                    .toList();
            assertThat(missing).as("target/quarkus-app entries the Dockerfile does not copy").isEmpty();
        }
        // the launcher's Class-Path points into lib/ next to it; the image keeps that layout under /deployments
        try (JarFile jar = new JarFile(APP.resolve("quarkus-run.jar").toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertThat(classPath).isNotBlank();
            for (String entry : classPath.trim().split("\\s+")) {
                assertThat(APP.resolve(entry)).as("Class-Path entry %s", entry).exists();
            }
        }
        assertThat(all("ENTRYPOINT")).singleElement().asString().as("the JVM runs the launcher in /deployments")
                .endsWith("\"-jar\", \"/deployments/quarkus-run.jar\" ]");
        assertThat(copies()).anyMatch(c -> c.get(0).equals("target/quarkus-app/quarkus-run.jar")
                && c.get(1).equals("/deployments/"));
    }

    @Test
    void shouldStartTheJvmWithTheSettingsAndArchiveTheBenchmarkMeasures() throws IOException {
        String entry = all("ENTRYPOINT").get(0);
        assertThat(entry).contains("\"@/deployments/jvm.options\"")
                .contains("\"-XX:SharedArchiveFile=/deployments/app-cds.jsa\"");
        assertThat(all("RUN")).singleElement().asString().as("the archive is trained by the image's own JVM")
                .contains("cds-training.sh /deployments/jvm.options /deployments /deployments/app-cds.jsa");
        assertThat(Files.readString(Path.of("bench/run.sh"))).as("the benchmark starts the operator the shared way")
                .contains(". \"$ROOT/bench/lib.sh\"").contains("bench_prepare_operator");
        assertThat(Files.readString(Path.of("bench/lib.sh")))
                .as("the benchmark runs the image's settings and trains its archive the same way")
                .contains("src/main/docker/jvm.options").contains("src/main/docker/cds-training.sh");
        List<String> options = Files.readAllLines(Path.of("src/main/docker/jvm.options")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(options).as("heap bounded by the container's memory limit").contains("-XX:MaxRAMPercentage=50")
                .allMatch(o -> o.startsWith("-"));
    }

    @Test
    void shouldRunAsTheChartsNonRootUserOnAPinnedBaseImage() throws IOException {
        // FROM ${BASE_IMAGE}: the default users build on, overridden by hack/build-image.sh with its Debian base
        assertThat(all("FROM")).containsExactly("${BASE_IMAGE}");
        List<String> args = all("ARG").stream().filter(a -> a.startsWith("BASE_IMAGE=")).toList();
        assertThat(args).hasSize(1);
        String image = args.get(0).substring("BASE_IMAGE=".length());
        assertThat(image).as("base image pinned to a tag or digest").matches(".+(:[\\w.-]+|@sha256:[0-9a-f]{64})$")
                .doesNotEndWith(":latest");
        Map<String, Object> values = new Yaml().load(Files.readString(Helm.CHART.resolve("values.yaml")));
        List<String> users = all("USER");
        assertThat(users).as("the last USER is the runtime user").isNotEmpty();
        String user = users.get(users.size() - 1);
        assertThat(user).as("a numeric UID lets runAsNonRoot verify it").matches("[1-9][0-9]*");
        assertThat(Integer.parseInt(user)).isEqualTo(Helm.<Integer>at(values, "podSecurityContext.runAsUser"));
        assertThat(all("EXPOSE")).containsExactly("8080");
        assertThat(all("ENTRYPOINT")).hasSize(1);
        assertThat(all("ENTRYPOINT").get(0)).startsWith("[").as("exec form, so the JVM gets SIGTERM");
    }

    /** Files and directories (relative to the repository root, where `docker build .` runs) a COPY source matches. */
    static List<Path> matches(String source) throws IOException {
        String pattern = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        if (!pattern.contains("*") && !pattern.contains("?")) {
            Path p = Path.of(pattern);
            return Files.exists(p) ? List.of(p) : List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Path dir = Path.of(pattern).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(matcher::matches).toList();
        }
    }
}
