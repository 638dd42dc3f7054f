package dev.pgindex.operator.ship;

import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.support.Cli;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.pgindex.operator.ship.Helm.at;
import static dev.pgindex.operator.ship.Helm.id;
import static dev.pgindex.operator.ship.Helm.kind;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * helm lint --strict and helm template with the value sets admins use: cluster-wide (the default), namespaced
 * (watchNamespaces), HA (replicas and leader election) and a ServiceMonitor. HelmIT installs the same sets into a
 * real API server and runs the operator with the chart's ServiceAccount.
 */
class HelmChartTest {
    static final String NS = "pgindex-system";
    static final String[] CLUSTER_WIDE = {};
    static final String[] NAMESPACED = {"--set", "watchNamespaces={team-a,team-b}"};
    static final String[] HA = {"--set", "replicaCount=2"};
    static final String[] SERVICE_MONITOR = {"--set", "metrics.serviceMonitor.enabled=true"};

    static List<Map<String, Object>> render(String... args) {
        return Helm.objects(Helm.template("pgindex-operator", NS, args).check().out());
    }

    static List<String> ids(List<Map<String, Object>> objects) {
        return objects.stream().map(Helm::id).toList();
    }

    static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> of = objects.stream().filter(o -> kind.equals(kind(o))).toList();
        assertThat(of).as("one %s in %s", kind, ids(objects)).hasSize(1);
        return of.get(0);
    }

    static Map<String, Object> container(List<Map<String, Object>> objects) {
        List<Map<String, Object>> containers = at(only(objects, "Deployment"), "spec.template.spec.containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    /** The operator container's literal env vars, in order. */
    static Map<String, String> env(List<Map<String, Object>> objects) {
        Map<String, String> env = new LinkedHashMap<>();
        List<Map<String, Object>> list = at(container(objects), "env");
        for (Map<String, Object> e : list) {
            env.put((String) e.get("name"), (String) e.get("value"));
        }
        return env;
    }

    @Test
    void shouldPassHelmLintStrictForEveryValueSet() {
        for (String[] set : List.of(CLUSTER_WIDE, NAMESPACED, HA, SERVICE_MONITOR)) {
            List<String> args = new ArrayList<>(List.of("lint", "--strict", Helm.CHART.toString()));
            args.addAll(List.of(set));
            Cli.Result lint = Helm.run(Map.of(), args.toArray(String[]::new));
            assertThat(lint.exit()).as("helm lint --strict %s:\n%s%s", Arrays.toString(set), lint.out(), lint.err()).isZero();
            assertThat(lint.out()).contains("1 chart(s) linted, 0 chart(s) failed").doesNotContain("[WARNING]");
        }
    }

    @Test
    void shouldWatchEveryNamespaceThroughAClusterRoleByDefault() {
        List<Map<String, Object>> objects = render(CLUSTER_WIDE);
        assertThat(ids(objects)).containsExactly("ServiceAccount pgindex-system/pgindex-operator",
                "ClusterRole pgindex-operator", "ClusterRoleBinding pgindex-operator",
                "Service pgindex-system/pgindex-operator-metrics", "Deployment pgindex-system/pgindex-operator");
        Map<String, Object> binding = only(objects, "ClusterRoleBinding");
        assertThat(Helm.<Map<String, Object>>at(binding, "roleRef")).containsEntry("kind", "ClusterRole")
                .containsEntry("name", "pgindex-operator");
        assertThat(Helm.<List<Map<String, Object>>>at(binding, "subjects")).containsExactly(
                Map.of("kind", "ServiceAccount", "name", "pgindex-operator", "namespace", NS));
        assertLeastPrivilege(at(only(objects, "ClusterRole"), "rules"));
        assertThat(env(objects)).doesNotContainKeys("QUARKUS_OPERATOR_SDK_NAMESPACES", "PGINDEX_LEADER_ELECTION_ENABLED");
        assertThat(Helm.<Integer>at(only(objects, "Deployment"), "spec.replicas")).isEqualTo(1);
    }

    @Test
    void shouldBindAnExistingServiceAccountOrLeaveRbacToTheAdmin() {
        List<Map<String, Object>> objects = render("--set", "serviceAccount.create=false",
                "--set", "serviceAccount.name=platform-operators");
        assertThat(ids(objects)).noneMatch(id -> id.startsWith("ServiceAccount"));
        assertThat(Helm.<List<Map<String, Object>>>at(only(objects, "ClusterRoleBinding"), "subjects")).containsExactly(
                Map.of("kind", "ServiceAccount", "name", "platform-operators", "namespace", NS));
        assertThat(Helm.<String>at(only(objects, "Deployment"), "spec.template.spec.serviceAccountName"))
                .isEqualTo("platform-operators");
        assertThat(ids(render("--set", "rbac.create=false", "--set", "replicaCount=2")))
                .noneMatch(id -> id.startsWith("ClusterRole") || id.startsWith("Role"));
    }

    /**
     * Only what the operator uses: its own resources (a PostgresIndexSet creates and deletes the PostgresIndexes it
     * owns), one Secret at a time, Events. Never list Secrets unless indexSet.secretSelector.enabled.
     */
    static void assertLeastPrivilege(List<Map<String, Object>> rules) {
        Map<String, List<String>> verbs = new TreeMap<>();
        for (Map<String, Object> rule : rules) {
            assertThat(rule).doesNotContainKey("nonResourceURLs");
            for (String group : Helm.<List<String>>at(rule, "apiGroups")) {
                for (String resource : Helm.<List<String>>at(rule, "resources")) {
                    verbs.computeIfAbsent(group + "/" + resource, k -> new ArrayList<>())
                            .addAll(Helm.<List<String>>at(rule, "verbs"));
                }
            }
        }
        assertThat(verbs).isEqualTo(Map.ofEntries(
                Map.entry("pgindex.dev/postgresindexes", List.of("get", "list", "watch", "patch", "update", "create",
                        "delete")),
                Map.entry("pgindex.dev/postgresindexsets", List.of("get", "list", "watch", "patch", "update")),
                Map.entry("pgindex.dev/postgresindexsets/status", List.of("get", "patch", "update")),
                Map.entry("pgindex.dev/postgresindexsets/finalizers", List.of("update")),
                Map.entry("pgindex.dev/postgresindexes/status", List.of("get", "patch", "update")),
                Map.entry("pgindex.dev/postgresconstraints", List.of("get", "list", "watch", "patch", "update")),
                Map.entry("pgindex.dev/postgresconstraints/status", List.of("get", "patch", "update")),
                Map.entry("pgindex.dev/postgresconstraints/finalizers", List.of("update")),
                Map.entry("pgindex.dev/postgresindexes/finalizers", List.of("update")),
                Map.entry("/secrets", List.of("get")),
                Map.entry("/events", List.of("create", "patch")),
                Map.entry("events.k8s.io/events", List.of("create", "patch"))));
    }

    @Test
    void shouldGrantARoleInEachWatchedNamespaceAndNothingClusterWide() {
        List<Map<String, Object>> objects = render(NAMESPACED);
        assertThat(ids(objects)).containsExactly("ServiceAccount pgindex-system/pgindex-operator",
                "Role pgindex-system/pgindex-operator-events",
                "Role team-a/pgindex-operator", "Role team-b/pgindex-operator",
                "RoleBinding pgindex-system/pgindex-operator-events",
                "RoleBinding team-a/pgindex-operator", "RoleBinding team-b/pgindex-operator",
                "Service pgindex-system/pgindex-operator-metrics", "Deployment pgindex-system/pgindex-operator");
        List<Map<String, Object>> clusterRules = at(only(render(CLUSTER_WIDE), "ClusterRole"), "rules");
        // the one grant in the release namespace: events on the operator's own pod (a terminating watched
        // namespace refuses them), nothing else
        assertThat(Helm.<List<Map<String, Object>>>at(objects.stream().filter(o -> "Role".equals(kind(o))
                && id(o).endsWith("-events")).findFirst().orElseThrow(), "rules")).containsExactly(
                Map.of("apiGroups", List.of("", "events.k8s.io"), "resources", List.of("events"),
                        "verbs", List.of("create", "patch")));
        for (Map<String, Object> o : objects) {
            if (id(o).endsWith("-events")) {
                continue;
            }
            if ("Role".equals(kind(o))) {
                assertThat(Helm.<List<Map<String, Object>>>at(o, "rules")).as(id(o)).isEqualTo(clusterRules);
            }
            if ("RoleBinding".equals(kind(o))) {
                assertThat(Helm.<Map<String, Object>>at(o, "roleRef")).containsEntry("kind", "Role");
                // the ServiceAccount lives in the release namespace, the grant in the watched one
                assertThat(Helm.<List<Map<String, Object>>>at(o, "subjects")).containsExactly(
                        Map.of("kind", "ServiceAccount", "name", "pgindex-operator", "namespace", NS));
            }
        }
        assertThat(env(objects)).containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b")
                .containsKeys("PGINDEX_POD_NAME", "PGINDEX_POD_NAMESPACE");
    }

    @Test
    void shouldElectALeaderThroughALeaseWhenThereIsMoreThanOneReplica() {
        for (String[] set : List.of(HA, new String[] {"--set", "leaderElection.enabled=true"})) {
            List<Map<String, Object>> objects = render(set);
            assertThat(ids(objects)).as(Arrays.toString(set)).contains(
                    "Role pgindex-system/pgindex-operator-leader-election",
                    "RoleBinding pgindex-system/pgindex-operator-leader-election");
            Map<String, Object> role = objects.stream().filter(o -> "Role".equals(kind(o))).findFirst().orElseThrow();
            // create cannot be limited to a name; everything else is limited to the one Lease
            assertThat(Helm.<List<Map<String, Object>>>at(role, "rules")).containsExactly(
                    Map.of("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"),
                            "verbs", List.of("create")),
                    Map.of("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"),
                            "resourceNames", List.of("pgindex-operator"), "verbs", List.of("get", "update", "patch")));
            assertThat(env(objects)).containsEntry("PGINDEX_LEADER_ELECTION_ENABLED", "true")
                    .containsEntry("PGINDEX_LEADER_ELECTION_LEASE_NAME", "pgindex-operator")
                    .containsEntry("PGINDEX_LEADER_ELECTION_LEASE_NAMESPACE", NS);
        }
        assertThat(Helm.<Integer>at(only(render(HA), "Deployment"), "spec.replicas")).isEqualTo(2);
        assertThat(ids(render(CLUSTER_WIDE))).noneMatch(id -> id.contains("leader-election"));
        assertThat(env(render("--set", "replicaCount=3", "--set", "leaderElection.leaseName=pgi-leader")))
                .containsEntry("PGINDEX_LEADER_ELECTION_LEASE_NAME", "pgi-leader");
    }

    @Test
    void shouldRunAsNonRootWithAReadOnlyRootFileSystemAndNoCapabilities() {
        // the restricted Pod Security Standard, plus a read-only root file system and resources
        Map<String, Object> pod = at(only(render(CLUSTER_WIDE), "Deployment"), "spec.template.spec");
        assertThat(Helm.<Boolean>at(pod, "securityContext.runAsNonRoot")).isTrue();
        assertThat(Helm.<Integer>at(pod, "securityContext.runAsUser")).isEqualTo(185);
        assertThat(Helm.<String>at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
        assertThat(pod).doesNotContainKeys("hostNetwork", "hostPID", "hostIPC");
        Map<String, Object> c = container(render(CLUSTER_WIDE));
        assertThat(Helm.<Boolean>at(c, "securityContext.allowPrivilegeEscalation")).isFalse();
        assertThat(Helm.<Boolean>at(c, "securityContext.readOnlyRootFilesystem")).isTrue();
        assertThat(Helm.<Boolean>at(c, "securityContext.privileged")).isFalse();
        assertThat(Helm.<List<String>>at(c, "securityContext.capabilities.drop")).containsExactly("ALL");
        assertThat(Helm.<Map<String, Object>>at(c, "securityContext.capabilities")).doesNotContainKey("add");
        assertThat(Helm.<Map<String, Object>>at(c, "resources.requests")).containsKeys("cpu", "memory");
        assertThat(Helm.<Map<String, Object>>at(c, "resources.limits")).containsKeys("cpu", "memory");
        // the only writable path
        assertThat(Helm.<List<Map<String, Object>>>at(c, "volumeMounts")).containsExactly(
                Map.of("name", "tmp", "mountPath", "/tmp"));
        assertThat(Helm.<List<Map<String, Object>>>at(pod, "volumes")).hasSize(1)
                .allSatisfy(v -> assertThat(v).containsKey("emptyDir"));
        assertThat(c.get("image")).isEqualTo("ghcr.io/pgindex/pgindex-operator:0.1.0");
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        assertThat(container(render("--set", "image.digest=" + digest)).get("image"))
                .isEqualTo("ghcr.io/pgindex/pgindex-operator@" + digest);
    }

    @Test
    void shouldProbeQuarkusHealthAndServeMetricsToPrometheus() {
        List<Map<String, Object>> objects = render(SERVICE_MONITOR);
        Map<String, Object> c = container(objects);
        assertThat(Helm.<List<Map<String, Object>>>at(c, "ports")).containsExactly(
                Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"));
        assertThat(Helm.<String>at(c, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
        assertThat(Helm.<String>at(c, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
        assertThat(Helm.<String>at(c, "startupProbe.httpGet.path")).isEqualTo("/q/health/started");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(Helm.<String>at(c, probe + ".httpGet.port")).as(probe).isEqualTo("http");
        }

        Map<String, Object> service = only(objects, "Service");
        Map<String, Object> podLabels = at(only(objects, "Deployment"), "spec.template.metadata.labels");
        assertThat(podLabels).containsAllEntriesOf(at(service, "spec.selector"));
        assertThat(Helm.<List<Map<String, Object>>>at(service, "spec.ports")).containsExactly(
                Map.of("name", "http-metrics", "port", 8080, "targetPort", "http", "protocol", "TCP"));

        Map<String, Object> monitor = only(objects, "ServiceMonitor");
        assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(Helm.<Map<String, Object>>at(service, "metadata.labels"))
                .containsAllEntriesOf(at(monitor, "spec.selector.matchLabels"));
        assertThat(Helm.<List<String>>at(monitor, "spec.namespaceSelector.matchNames")).containsExactly(NS);
        List<Map<String, Object>> endpoints = at(monitor, "spec.endpoints");
        assertThat(endpoints).hasSize(1);
        assertThat(endpoints.get(0)).containsEntry("port", "http-metrics").containsEntry("path", "/q/metrics");

        assertThat(ids(render(CLUSTER_WIDE))).noneMatch(id -> id.startsWith("ServiceMonitor"));
        assertThat(ids(render("--set", "metrics.service.enabled=false"))).noneMatch(id -> id.startsWith("Service "));
    }

    @Test
    void shouldPassEveryOperatorSettingWithTheOperatorsOwnDefaults() throws IOException {
        Map<String, Object> values = new Yaml().load(Files.readString(Helm.CHART.resolve("values.yaml")));
        Map<String, Object> config = at(values, "config");
        Map<String, String> env = env(render(CLUSTER_WIDE));
        List<String> settings = new ArrayList<>();
        for (Method m : OperatorConfig.class.getDeclaredMethods()) {
            WithDefault def = m.getAnnotation(WithDefault.class);
            if (def == null || m.isSynthetic() || m.isDefault()) {
                continue;
            }
            settings.add(m.getName());
            String kebab = m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            String envName = "PGINDEX_" + kebab.replace('-', '_').toUpperCase();
            assertThat(config).as("values.yaml config.%s (pgindex.%s)", m.getName(), kebab).containsKey(m.getName());
            assertThat(String.valueOf(config.get(m.getName()))).as("default of config.%s", m.getName())
                    .isEqualTo(def.value());
            assertThat(env).as(envName).containsEntry(envName, def.value());
        }
        assertThat(config).as("values.yaml config keys are exactly OperatorConfig's settings")
                .containsOnlyKeys(settings.toArray(String[]::new));
        assertThat(env(render("--set", "config.buildsPerDatabase=3", "--set", "config.resyncInterval=90s")))
                .containsEntry("PGINDEX_BUILDS_PER_DATABASE", "3").containsEntry("PGINDEX_RESYNC_INTERVAL", "90s");
        assertThat(env(render("--set", "extraEnv[0].name=QUARKUS_LOG_LEVEL", "--set", "extraEnv[0].value=DEBUG")))
                .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG");
    }

    @Test
    void shouldRejectValuesTheSchemaForbids() {
        assertRejected("additional properties 'replicas' not allowed", "--set", "replicas=2");
        assertRejected("/config/resyncInterval", "--set", "config.resyncInterval=5 minutes");
        assertRejected("/config/buildsPerDatabase", "--set", "config.buildsPerDatabase=0");
        assertRejected("/watchNamespaces/0", "--set", "watchNamespaces={Team_A}");
        assertRejected("/replicaCount", "--set", "replicaCount=-1");
        assertRejected("/image/pullPolicy", "--set", "image.pullPolicy=Sometimes");
        assertRejected("metrics.serviceMonitor.enabled needs metrics.service.enabled",
                "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.service.enabled=false");
        assertRejected("serviceAccount.name is required", "--set", "serviceAccount.create=false");
    }

    static void assertRejected(String expected, String... args) {
        Cli.Result r = Helm.template("pgindex-operator", NS, args);
        assertThat(r.exit()).as("helm template %s should fail", Arrays.toString(args)).isNotZero();
        assertThat(r.err()).contains(expected);
    }

    @Test
    void shouldShipTheCrdInCrdsSoThatUninstallKeepsIt() throws IOException {
        // Helm installs crds/ before the templates and never upgrades or deletes it: PostgresIndex resources (and
        // their finalizers) survive helm uninstall
        assertThat(ids(render(concat(CLUSTER_WIDE, NAMESPACED, HA, SERVICE_MONITOR))))
                .noneMatch(id -> id.startsWith("CustomResourceDefinition"));
        try (var files = Files.list(Helm.CHART.resolve("crds"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "postgresindexes.pgindex.dev-v1.yml", "postgresindexsets.pgindex.dev-v1.yml",
                    "postgresconstraints.pgindex.dev-v1.yml");
        }
        assertThat(Files.readString(Helm.CHART.resolve("crds/postgresindexes.pgindex.dev-v1.yml")))
                .isEqualTo(Files.readString(Path.of("crds", "postgresindexes.pgindex.dev-v1.yml")));
        Cli.Result withCrds = Helm.template("pgindex-operator", NS, "--include-crds").check();
        assertThat(ids(Helm.objects(withCrds.out()))).contains("CustomResourceDefinition postgresindexes.pgindex.dev",
                "CustomResourceDefinition postgresindexsets.pgindex.dev",
                "CustomResourceDefinition postgresconstraints.pgindex.dev");
    }

    @Test
    void shouldGrantListOnSecretsOnlyWhenTheIndexSetSelectorIsEnabled() {
        // a PostgresIndexSet's spec.databases.secretSelector lists Secrets by label; named Secrets need only get
        for (String[] mode : List.of(CLUSTER_WIDE, NAMESPACED)) {
            List<Map<String, Object>> off = render(mode);
            List<Map<String, Object>> on = render(concat(mode, new String[] {"--set", "indexSet.secretSelector.enabled=true"}));
            assertThat(secretVerbs(off)).as("default").containsExactly("get");
            assertThat(secretVerbs(on)).as("indexSet.secretSelector.enabled").containsExactlyInAnyOrder("get", "list");
        }
    }

    static List<String> secretVerbs(List<Map<String, Object>> objects) {
        List<String> verbs = new ArrayList<>();
        objects.stream().filter(o -> Helm.kind(o).endsWith("Role") && !Helm.name(o).endsWith("-events")
                        && !Helm.name(o).endsWith("-leader-election"))
                .flatMap(o -> Helm.<List<Map<String, Object>>>at(o, "rules").stream())
                .filter(r -> Helm.<List<String>>at(r, "resources").contains("secrets"))
                .forEach(r -> verbs.addAll(Helm.<List<String>>at(r, "verbs")));
        return verbs.stream().distinct().toList();
    }

    static String[] concat(String[]... sets) {
        return Arrays.stream(sets).flatMap(Arrays::stream).toArray(String[]::new);
    }
}
