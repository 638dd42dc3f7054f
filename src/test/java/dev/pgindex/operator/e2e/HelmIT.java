package dev.pgindex.operator.e2e;

import dev.pgindex.operator.ship.ArgoHealth;
import dev.pgindex.operator.ship.Helm;
import dev.pgindex.operator.support.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Helm chart installed with `helm install` into the real API server, once per value set (each release in a
 * namespace of its own, next to the suite's deploy/ install in pgindex-system): the objects exist, RBAC grants the
 * chart's ServiceAccount exactly what the operator needs, the pod template passes the restricted Pod Security
 * admission, and the operator, running with the chart's ServiceAccount token and the chart's environment, brings
 * PostgresIndex resources to Ready. No kubelet or scheduler runs, so the Deployments never get pods: the operator
 * runs as a local process in their place.
 */
class HelmIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    /** The suite's fast timings, set through the chart's values (which proves they reach the operator). */
    static final String[] FAST = {"--set", "config.buildPollInterval=500ms", "--set", "config.resyncInterval=5s",
            "--set", "config.retryBackoffBase=1s", "--set", "config.retryBackoffMax=4s",
            "--set", "config.permanentRecheckBase=2s", "--set", "config.permanentRecheckMax=5s",
            "--set", "config.deleteGracePeriod=20s", "--set", "config.blockedEventThreshold=3s"};
    /** A Lease's renewTime (metav1.MicroTime). */
    static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        Helm.require();
        env = E2eEnvironment.get();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static Cli.Result helm(String... args) {
        return Helm.run(Map.of("KUBECONFIG", env.controlPlane.kubeconfig.toString()), args);
    }

    /** A release namespace that enforces (and warns about) the restricted Pod Security Standard. */
    static String releaseNamespace(String prefix) {
        String ns = prefix + "-" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
        env.kubectl("create", "namespace", ns).check();
        env.kubectl("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted",
                "pod-security.kubernetes.io/warn=restricted").check();
        return ns;
    }

    /** helm install; returns the objects of the release's manifest. */
    static List<Map<String, Object>> install(String release, String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of("install", release, Helm.CHART.toString(), "--namespace", namespace));
        cmd.addAll(List.of(args));
        Cli.Result r = helm(cmd.toArray(String[]::new)).check();
        assertThat(r.out()).contains("STATUS: deployed");
        assertThat(r.err()).as("helm install warnings").doesNotContain("PodSecurity");
        return Helm.objects(helm("get", "manifest", release, "--namespace", namespace).check().out());
    }

    static String canI(String saNamespace, String sa, String verb, String resource, String... scope) {
        List<String> cmd = new ArrayList<>(List.of("auth", "can-i", verb, resource, "--as",
                "system:serviceaccount:" + saNamespace + ":" + sa));
        cmd.addAll(List.of(scope));
        return env.kubectl(cmd.toArray(String[]::new)).out().trim();
    }

    static Map<String, Object> deployment(List<Map<String, Object>> objects) {
        return objects.stream().filter(o -> "Deployment".equals(Helm.kind(o))).findFirst().orElseThrow();
    }

    /**
     * The operator container's environment as the chart renders it: literal values, and the Downward API's pod
     * name and namespace resolved the way the kubelet would (the process stands in for a pod of the Deployment).
     */
    static Map<String, String> operatorEnv(List<Map<String, Object>> objects) {
        Map<String, Object> deployment = deployment(objects);
        List<Map<String, Object>> containers = Helm.at(deployment, "spec.template.spec.containers");
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : Helm.<List<Map<String, Object>>>at(containers.get(0), "env")) {
            if (e.containsKey("valueFrom")) {
                String field = Helm.at(e, "valueFrom.fieldRef.fieldPath");
                assertThat(field).as("env var %s comes from the Downward API", e.get("name"))
                        .isIn("metadata.name", "metadata.namespace");
                env.put((String) e.get("name"), field.equals("metadata.name")
                        ? Helm.<String>at(deployment, "metadata.name") + "-process"
                        : Helm.<String>at(deployment, "metadata.namespace"));
                continue;
            }
            assertThat(e).as("env var %s has a literal value", e.get("name")).containsKey("value");
            env.put((String) e.get("name"), (String) e.get("value"));
        }
        return env;
    }

    /** Creates a Pod from the Deployment's pod template (nothing else would: no ReplicaSet controller runs). */
    static Cli.Result createPodFromTemplate(String namespace, Map<String, Object> deployment, String name,
            boolean withoutContainerSecurityContext) {
        Yaml yaml = new Yaml();
        Map<String, Object> template = yaml.load(yaml.dump(Helm.at(deployment, "spec.template")));
        Map<String, Object> spec = Helm.at(template, "spec");
        if (withoutContainerSecurityContext) {
            Helm.<List<Map<String, Object>>>at(spec, "containers").forEach(c -> c.remove("securityContext"));
        }
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.put("metadata", Map.of("name", name, "namespace", namespace));
        pod.put("spec", spec);
        return env.kubectlIn(yaml.dump(pod), "create", "-f", "-");
    }

    static void assertPodTemplatePassesRestrictedPodSecurity(String namespace, List<Map<String, Object>> objects) {
        Map<String, Object> deployment = deployment(objects);
        Cli.Result admitted = createPodFromTemplate(namespace, deployment, "pss-check", false);
        assertThat(admitted.exit()).as("the chart's pod under enforce=restricted:\n%s", admitted).isZero();
        assertThat(admitted.err()).doesNotContain("would violate");
        // the control: the same pod without the container securityContext is refused, so enforcement is on
        Cli.Result refused = createPodFromTemplate(namespace, deployment, "pss-control", true);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("violates PodSecurity \"restricted:latest\"");
        env.kubectl("delete", "pod", "pss-check", "-n", namespace, "--wait=false").check();
    }

    static Map<String, Object> json(String namespace, String resource) {
        return new Yaml().load(env.kubectl("get", resource, "-n", namespace, "-o", "json").check().out());
    }

    // --- the value sets -------------------------------------------------------------------------------------------

    @Test
    void shouldInstallClusterWideBindOnlyWhatTheOperatorNeedsAndKeepTheCrdOnUninstall() {
        String ns = releaseNamespace("helm-cw");
        List<Map<String, Object>> objects = install("cw", ns);
        assertThat(objects.stream().map(Helm::id)).containsExactly("ServiceAccount " + ns + "/cw-pgindex-operator",
                "ClusterRole cw-pgindex-operator", "ClusterRoleBinding cw-pgindex-operator",
                "Service " + ns + "/cw-pgindex-operator-metrics", "Deployment " + ns + "/cw-pgindex-operator");
        env.kubectl("get", "-n", ns, "serviceaccount/cw-pgindex-operator", "service/cw-pgindex-operator-metrics",
                "deployment/cw-pgindex-operator").check();
        env.kubectl("get", "clusterrole/cw-pgindex-operator", "clusterrolebinding/cw-pgindex-operator").check();

        String sa = "cw-pgindex-operator";
        assertThat(canI(ns, sa, "watch", "postgresindexes.pgindex.dev", "--all-namespaces")).isEqualTo("yes");
        assertThat(canI(ns, sa, "update", "postgresindexes.pgindex.dev/status", "-n", "anywhere")).isEqualTo("yes");
        assertThat(canI(ns, sa, "update", "postgresindexes.pgindex.dev/finalizers", "-n", "anywhere")).isEqualTo("yes");
        assertThat(canI(ns, sa, "get", "secrets", "-n", "anywhere")).isEqualTo("yes");
        assertThat(canI(ns, sa, "create", "events", "-n", "anywhere")).isEqualTo("yes");
        assertThat(canI(ns, sa, "list", "secrets", "-n", "anywhere")).isEqualTo("no");
        // a PostgresIndexSet creates and deletes the PostgresIndexes it owns; the sets themselves are never deleted
        assertThat(canI(ns, sa, "delete", "postgresindexes.pgindex.dev", "-n", "anywhere")).isEqualTo("yes");
        assertThat(canI(ns, sa, "delete", "postgresindexsets.pgindex.dev", "-n", "anywhere")).isEqualTo("no");
        assertThat(canI(ns, sa, "create", "leases.coordination.k8s.io", "-n", ns)).isEqualTo("no");
        assertThat(canI(ns, sa, "create", "pods", "-n", ns)).isEqualTo("no");
        assertThat(canI(ns, sa, "*", "*", "-n", ns)).isEqualTo("no");

        assertPodTemplatePassesRestrictedPodSecurity(ns, objects);

        // helm uninstall removes what the templates made and never the CRD (crds/ is not part of the release)
        helm("uninstall", "cw", "--namespace", ns).check();
        assertThat(env.kubectl("get", "clusterrole/cw-pgindex-operator").err()).contains("NotFound");
        assertThat(env.kubectl("get", "deployment/cw-pgindex-operator", "-n", ns).err()).contains("NotFound");
        env.kubectl("get", "crd", "postgresindexes.pgindex.dev").check();
        env.kubectl("get", "crd", "postgresindexsets.pgindex.dev").check();
    }

    @Test
    void shouldReconcileOnlyTheWatchedNamespacesWithRolesAlone() throws Exception {
        E2eEnvironment.Tenant a = env.newTenant("helm-a");
        E2eEnvironment.Tenant b = env.newTenant("helm-b");
        E2eEnvironment.Tenant other = env.newTenant("helm-unwatched");
        KubectlUserJourneyIT.createShopTables(a);
        KubectlUserJourneyIT.createShopTables(b);
        KubectlUserJourneyIT.createShopTables(other);
        String ns = releaseNamespace("helm-ns");
        List<String> args = new ArrayList<>(List.of(FAST));
        args.addAll(List.of("--set", "watchNamespaces={" + a.namespace() + "," + b.namespace() + "}"));
        List<Map<String, Object>> objects = install("ns", ns, args.toArray(String[]::new));
        assertThat(objects.stream().map(Helm::kind)).doesNotContain("ClusterRole", "ClusterRoleBinding");
        assertThat(env.kubectl("get", "clusterrole/ns-pgindex-operator").err()).contains("NotFound");
        env.kubectl("get", "role/ns-pgindex-operator", "rolebinding/ns-pgindex-operator", "-n", a.namespace()).check();
        env.kubectl("get", "role/ns-pgindex-operator", "rolebinding/ns-pgindex-operator", "-n", b.namespace()).check();

        String sa = "ns-pgindex-operator";
        for (String watched : List.of(a.namespace(), b.namespace())) {
            assertThat(canI(ns, sa, "watch", "postgresindexes.pgindex.dev", "-n", watched)).isEqualTo("yes");
            assertThat(canI(ns, sa, "get", "secrets", "-n", watched)).isEqualTo("yes");
            assertThat(canI(ns, sa, "list", "secrets", "-n", watched)).isEqualTo("no");
        }
        assertThat(canI(ns, sa, "watch", "postgresindexes.pgindex.dev", "-n", other.namespace())).isEqualTo("no");
        assertThat(canI(ns, sa, "get", "secrets", "-n", other.namespace())).isEqualTo("no");
        assertThat(canI(ns, sa, "list", "postgresindexes.pgindex.dev", "--all-namespaces")).isEqualTo("no");
        assertPodTemplatePassesRestrictedPodSecurity(ns, objects);

        Map<String, String> chartEnv = operatorEnv(objects);
        assertThat(chartEnv).containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", a.namespace() + "," + b.namespace());
        Path kubeconfig = env.controlPlane.serviceAccountKubeconfig(ns, sa);
        env.operator.stop();
        try {
            env.operator = new OperatorProcess(kubeconfig, env.logDir, chartEnv);
            for (E2eEnvironment.Tenant t : List.of(a, b, other)) {
                env.apply(t.namespace(), KubectlUserJourneyIT.manifest("idx", "users", "users_email_idx", "")).check();
            }
            env.awaitJsonPath(a.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);
            env.awaitJsonPath(b.namespace(), "pgindex/idx", ".status.phase", "Ready", WAIT);
            OperatorProcess.sleep(2000);
            // the unwatched namespace is invisible to this operator: only the CRD's default status (observedGeneration
            // -1, so kstatus reads it as in progress), no finalizer
            assertThat(env.kubectl("get", "pgindex", "idx", "-n", other.namespace(), "-o",
                    "jsonpath={.status}{.metadata.finalizers}").check().out()).isEqualTo("{\"observedGeneration\":-1}");
            // Events need their own grant: they are there
            assertThat(env.kubectl("get", "events", "-n", a.namespace(), "--field-selector",
                    "involvedObject.name=idx", "-o", "name").check().out()).isNotBlank();
            assertThat(env.operator.logText()).doesNotContainIgnoringCase("forbidden");
            // what Argo CD would show for the status the operator wrote
            ArgoHealth.Health health = ArgoHealth.of(json(a.namespace(), "pgindex/idx"));
            assertThat(health.status()).isEqualTo("Healthy");
            assertThat(health.message()).startsWith("IndexReady: ");
        } finally {
            env.kubectl("delete", "pgindex", "idx", "-n", other.namespace(), "--wait=false");
            env.restartOperator(Map.of(), env.operatorKubeconfig);
        }
    }

    @Test
    void shouldHandOverToTheOtherReplicaThroughTheLease() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("helm-ha-tenant");
        KubectlUserJourneyIT.createShopTables(t);
        String ns = releaseNamespace("helm-ha");
        List<String> args = new ArrayList<>(List.of(FAST));
        args.addAll(List.of("--set", "replicaCount=2"));
        List<Map<String, Object>> objects = install("ha", ns, args.toArray(String[]::new));
        assertThat(Helm.<Integer>at(deployment(objects), "spec.replicas")).isEqualTo(2);
        env.kubectl("get", "role/ha-pgindex-operator-leader-election", "rolebinding/ha-pgindex-operator-leader-election",
                "-n", ns).check();

        String sa = "ha-pgindex-operator";
        String lease = "leases.coordination.k8s.io/ha-pgindex-operator";
        assertThat(canI(ns, sa, "create", "leases.coordination.k8s.io", "-n", ns)).isEqualTo("yes");
        for (String verb : List.of("get", "update", "patch")) {
            assertThat(canI(ns, sa, verb, lease, "-n", ns)).as(verb).isEqualTo("yes");
            assertThat(canI(ns, sa, verb, "leases.coordination.k8s.io/someone-elses", "-n", ns)).as(verb).isEqualTo("no");
        }
        assertThat(canI(ns, sa, "delete", lease, "-n", ns)).isEqualTo("no");
        assertThat(canI(ns, sa, "create", "leases.coordination.k8s.io", "-n", "kube-system")).isEqualTo("no");

        Map<String, String> chartEnv = operatorEnv(objects);
        assertThat(chartEnv).containsEntry("PGINDEX_LEADER_ELECTION_ENABLED", "true")
                .containsEntry("PGINDEX_LEADER_ELECTION_LEASE_NAMESPACE", ns);
        Path kubeconfig = env.controlPlane.serviceAccountKubeconfig(ns, sa);
        Map<String, OperatorProcess> replicas = new LinkedHashMap<>();
        env.operator.stop();
        try {
            // two replicas, named like pods (the operator's identity in the Lease is HOSTNAME)
            for (String pod : List.of("ha-replica-1", "ha-replica-2")) {
                Map<String, String> podEnv = new LinkedHashMap<>(chartEnv);
                podEnv.put("HOSTNAME", pod);
                replicas.put(pod, new OperatorProcess(kubeconfig, env.logDir, podEnv));
            }
            String leader = env.awaitLeaseHolder(ns, "ha-pgindex-operator", List.copyOf(replicas.keySet()), WAIT);
            String follower = replicas.keySet().stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
            env.operator = replicas.get(leader);
            env.apply(t.namespace(), KubectlUserJourneyIT.manifest("first", "users", "users_email_first", "")).check();
            env.awaitJsonPath(t.namespace(), "pgindex/first", ".status.phase", "Ready", WAIT);
            assertThat(replicas.get(follower).logText()).doesNotContain("Started event processing");

            // the leader's pod is deleted (SIGTERM): it exits promptly (JOSDK 5.2 alone would hang in System.exit
            // inside the shutdown hook until the kubelet's SIGKILL), and the follower takes over once the Lease,
            // which is not released, expires
            Instant stopping = Instant.now();
            replicas.get(leader).stop();
            assertThat(OperatorProcess.since(stopping)).as("graceful stop of the leader").isLessThan(Duration.ofSeconds(15));
            assertThat(replicas.get(leader).logText()).contains("Shutting down: no longer leading");
            assertThat(env.awaitLeaseHolder(ns, "ha-pgindex-operator", List.of(follower), WAIT)).isEqualTo(follower);
            env.operator = replicas.get(follower);
            env.apply(t.namespace(), KubectlUserJourneyIT.manifest("second", "orders", "orders_status_second", "")
                    .replace("- name: email", "- name: status")).check();
            env.awaitJsonPath(t.namespace(), "pgindex/second", ".status.phase", "Ready", WAIT);
            assertThat(replicas.get(follower).logText()).contains("New leader with identity: " + follower)
                    .contains("Started event processing").doesNotContainIgnoringCase("forbidden");

            // a leader that loses the Lease while running (a partition, a stolen Lease) stops reconciling by exiting
            env.kubectl("patch", "lease", "ha-pgindex-operator", "-n", ns, "--type", "merge", "-p",
                    "{\"spec\":{\"holderIdentity\":\"elsewhere\",\"leaseDurationSeconds\":300,\"renewTime\":\""
                            + MICRO_TIME.format(Instant.now()) + "\"}}").check();
            Instant deadline = Instant.now().plus(WAIT);
            while (replicas.get(follower).alive() && Instant.now().isBefore(deadline)) {
                OperatorProcess.sleep(250);
            }
            assertThat(replicas.get(follower).alive()).as("the replica that lost the Lease exits").isFalse();
            assertThat(replicas.get(follower).logText()).contains("Lost the leader-election Lease; exiting");
        } finally {
            replicas.values().forEach(OperatorProcess::stop);
            env.restartOperator(Map.of(), env.operatorKubeconfig);
        }
    }

    @Test
    void shouldInstallAServiceMonitorThatScrapesTheMetricsService() {
        // the Prometheus Operator is not installed here; its CRD (schema-less) is enough for the API server to
        // accept and store the ServiceMonitor
        env.kubectlIn("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: servicemonitors.monitoring.coreos.com
                spec:
                  group: monitoring.coreos.com
                  names: {kind: ServiceMonitor, listKind: ServiceMonitorList, plural: servicemonitors, singular: servicemonitor}
                  scope: Namespaced
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
                """, "apply", "-f", "-").check();
        env.kubectl("wait", "--for=condition=Established", "crd/servicemonitors.monitoring.coreos.com",
                "--timeout=60s").check();
        String ns = releaseNamespace("helm-sm");
        install("sm", ns, "--set", "metrics.serviceMonitor.enabled=true");

        Map<String, Object> monitor = json(ns, "servicemonitor/sm-pgindex-operator");
        Map<String, String> selector = Helm.at(monitor, "spec.selector.matchLabels");
        String labels = String.join(",", selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        assertThat(env.kubectl("get", "services", "-n", ns, "-l", labels, "-o", "name").check().out().trim())
                .isEqualTo("service/sm-pgindex-operator-metrics");
        List<Map<String, Object>> endpoints = Helm.at(monitor, "spec.endpoints");
        Map<String, Object> service = json(ns, "service/sm-pgindex-operator-metrics");
        assertThat(Helm.<List<Map<String, Object>>>at(service, "spec.ports")).extracting(p -> p.get("name"))
                .contains(endpoints.get(0).get("port"));
        assertThat(endpoints.get(0).get("path")).isEqualTo("/q/metrics");
    }

    @Test
    void shouldServeTheProbeAndMetricsPathsTheChartPointsAt() throws Exception {
        // the suite's operator is the packaged one, as in the image; the chart's probes and scrape use these paths
        HttpClient client = HttpClient.newHttpClient();
        for (String path : List.of("/q/health/started", "/q/health/live", "/q/health/ready", "/q/metrics")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + env.operator.httpPort + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
    }
}
