package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server itself rejects bad manifests (OpenAPI schema and CEL rules in the CRD), with the message the user
 * sees from kubectl. Each file under src/test/resources/e2e/invalid starts with "# expect: <text of the error>".
 */
class AdmissionIT {
    static E2eEnvironment env;
    static String namespace;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
        namespace = env.newTenant("admission").namespace();
    }

    static Stream<Path> invalidManifests() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/e2e/invalid"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidManifests")
    void shouldRejectInvalidManifestAtAdmission(Path manifest) throws IOException {
        String expected = Files.readAllLines(manifest).get(0).replaceFirst("^# expect: ", "");
        Cli.Result r = env.kubectl("apply", "-n", namespace, "-f", manifest.toString());
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains("is invalid").contains(expected);
    }

    @Test
    void shouldHaveAtLeastFifteenInvalidManifests() throws IOException {
        assertThat(invalidManifests().count()).isGreaterThanOrEqualTo(15);
    }

    static final String VALID = """
            apiVersion: pgindex.dev/v1alpha1
            kind: PostgresIndex
            metadata:
              name: immutable
            spec:
              connection:
                secretName: db-app
              table: t
              name: i
              columns: [{name: a}]
              where: "a > 0"
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"spec\":{\"table\":\"u\"}}|spec.table: Invalid value: \"object\": table is immutable",
        "{\"spec\":{\"name\":\"j\"}}|spec.name: Invalid value: \"object\": name is immutable",
        "{\"spec\":{\"schema\":\"app\"}}|spec.schema: Invalid value: \"object\": schema is immutable",
        "{\"spec\":{\"unique\":true}}|spec.unique: Invalid value: \"object\": unique is immutable",
        "{\"spec\":{\"method\":\"hash\"}}|spec.method: Invalid value: \"object\": method is immutable",
        "{\"spec\":{\"columns\":[{\"name\":\"b\"}]}}|spec.columns: Invalid value: \"object\": columns are immutable",
        "{\"spec\":{\"where\":\"a > 1\"}}|spec.where: Invalid value: \"object\": where is immutable",
        "{\"spec\":{\"where\":null}}|where is immutable",
        "{\"spec\":{\"include\":[\"b\"]}}|include is immutable",
        "{\"spec\":{\"tablespace\":\"fast\"}}|tablespace is immutable",
        "{\"spec\":{\"storageParameters\":{\"fillfactor\":\"50\"}}}|storageParameters are immutable",
        "{\"spec\":{\"constraint\":{\"type\":\"Unique\"}}}|spec.constraint: Invalid value: \"object\": constraint is immutable",
    })
    void shouldRejectChangesToFieldsThatDefineTheIndex(String patch, String expected) {
        env.apply(namespace, VALID).check();
        Cli.Result r = env.kubectl("patch", "pgindex", "immutable", "-n", namespace, "--type", "merge", "-p", patch);
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains(expected).contains("create a new PostgresIndex with another spec.name");
    }

    /**
     * The window durations the operator accepts (Windows: 1m to 168h, any spelling the pattern allows) pass
     * admission; the invalid manifests window-* hold the ones just outside, which it refuses.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"1m", "168h", "167h60m", "10080m", "1h30m", "0h1m"})
    void shouldAcceptEveryWindowDurationTheOperatorAccepts(String duration) {
        Cli.Result r = env.kubectlIn(VALID.replace("name: immutable", "name: window-" + duration.toLowerCase())
                + "  schedule:\n    windows:\n      - start: \"02:00\"\n        duration: " + duration + "\n",
                "apply", "--dry-run=server", "-n", namespace, "-f", "-");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void shouldAcceptChangesToPolicies() {
        env.apply(namespace, VALID).check();
        for (String patch : List.of("{\"spec\":{\"retryLimit\":9}}", "{\"spec\":{\"reclaimPolicy\":\"Delete\"}}",
                "{\"spec\":{\"buildDeadline\":\"2h30m\"}}", "{\"spec\":{\"connection\":{\"secretName\":\"other\"}}}")) {
            Cli.Result r = env.kubectl("patch", "pgindex", "immutable", "-n", namespace, "--type", "merge", "-p", patch);
            assertThat(r.exit()).as(patch + "\n" + r).isZero();
        }
    }
}
