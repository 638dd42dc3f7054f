package dev.pgindex.operator.ship;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/argocd/health.lua, run by a Lua VM with Argo CD's libraries, against PostgresIndex statuses the operator
 * writes (fixtures in src/test/resources/argocd/). HelmIT runs it once more on a status written by the real operator.
 */
class ArgoHealthCheckTest {
    static final Path FIXTURES = Path.of("src", "test", "resources", "argocd");

    static Map<String, Object> fixture(String file) throws IOException {
        return new Yaml().load(Files.readString(FIXTURES.resolve(file)));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            01-just-created.yaml                   | Progressing | Waiting for the operator to report status
            02-building.yaml                       | Progressing | Building: building users_email_uniq (CREATE UNIQUE INDEX CONCURRENTLY) in backend 4242: building index: scanning table, 45% of blocks
            03-waiting-for-build-slot.yaml         | Progressing | WaitingForBuildSlot: waiting for a build slot on database shop: users_created_at (shop/users-created-at) is building
            04-ready.yaml                          | Healthy     | IndexReady: index public.users_email_uniq is valid (built in 41s)
            05-ready-database-unreachable.yaml     | Healthy     | Adopted: index public.users_email_uniq already existed with the same definition and was adopted
            06-stalled-unique-violation.yaml       | Degraded    | UniqueViolation: could not create unique index users_email_uniq: Key (email)=(a@example.com) is duplicated; remove the duplicates, the build is retried
            07-ready-for-an-older-generation.yaml  | Progressing | Waiting for the operator to observe generation 2
            08-stalled-for-an-older-generation.yaml| Progressing | Waiting for the operator to observe generation 3
            09-deleting.yaml                       | Progressing | Deleting: dropping public.users_email_uniq with DROP INDEX CONCURRENTLY (reclaimPolicy Delete)
            10-constraint-violations.yaml          | Degraded    | ViolationsFound: 2 rows of public.orders violate orders_customer_fk; for example (999), (999); fix them, the operator counts again at 2026-12-08T03:10:00Z
            11-constraint-validating.yaml          | Progressing | ValidatingConstraint: VALIDATE CONSTRAINT orders_customer_fk is scanning public.orders (running for 12s, pid 4242; reads and writes go on; PostgreSQL reports no progress for it)
            12-constraint-valid.yaml               | Healthy     | ConstraintValid: constraint orders_customer_fk is valid: FOREIGN KEY (customer_id) REFERENCES customers(id)
            """)
    void shouldJudgeHealthFromConditionsAndGenerations(String file, String status, String message) throws IOException {
        ArgoHealth.Health health = ArgoHealth.of(fixture(file));
        assertThat(health.status()).as(file).isEqualTo(status);
        assertThat(health.message()).as(file).isEqualTo(message);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldStayProgressingWhileOnlyOneConditionIsForTheCurrentGeneration() throws IOException {
        // the status-level observedGeneration is current, but Ready still describes the previous spec
        Map<String, Object> pi = fixture("04-ready.yaml");
        pi.put("metadata", Map.of("name", "users-email", "generation", 2));
        ((Map<String, Object>) pi.get("status")).put("observedGeneration", 2);
        ArgoHealth.Health health = ArgoHealth.of(pi);
        assertThat(health.status()).isEqualTo("Progressing");
        assertThat(health.message()).isEqualTo("Waiting for the Ready condition of generation 2");
    }

    @Test
    void shouldShipTheSameScriptInTheArgoCdConfigMapPatch() throws IOException {
        Map<String, Object> cm = new Yaml().load(Files.readString(Path.of("deploy", "argocd", "argocd-cm-patch.yaml")));
        assertThat(cm).containsEntry("kind", "ConfigMap");
        assertThat(Helm.<String>at(cm, "metadata.name")).isEqualTo("argocd-cm");
        Map<String, Object> data = Helm.at(cm, "data");
        // Argo CD's key for a custom health check: resource.customizations.health.<group>_<kind>
        assertThat(data).containsOnlyKeys("resource.customizations.health.pgindex.dev_PostgresIndex",
                "resource.customizations.health.pgindex.dev_PostgresConstraint");
        for (Object script : data.values()) {
            assertThat(script).as("deploy/argocd/argocd-cm-patch.yaml must embed deploy/argocd/health.lua verbatim")
                    .isEqualTo(ArgoHealth.script());
        }
    }
}
