package dev.pgindex.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.ship.Helm;
import dev.pgindex.operator.support.Cli;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's path on a real node (the node tier, {@code mvn -B verify -Pnode} or hack/node-e2e.sh): the chart
 * installed with its defaults but the image (the one hack/build-image.sh built, imported into containerd, pull policy
 * Never) into a namespace that enforces the restricted Pod Security Standard; the kubelet runs the operator pod with
 * the chart's security context and probes; the operator builds an index in a PostgreSQL it reaches over the pod
 * network; its metrics are scraped through the Service (kube-proxy); the kubelet stopping the pod mid-build (SIGTERM,
 * SIGKILL after the grace period) is recovered from; and two replicas hand the Lease over. One release, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InClusterNodeIT {
    static final String NS = "pgindex-node";
    static final String RELEASE = "pgindex-operator";
    static final String SELECTOR = "app.kubernetes.io/name=pgindex-operator";
    static final Duration WAIT = Duration.ofMinutes(3);
    static NodeEnvironment env;

    @BeforeAll
    static void up() {
        env = NodeEnvironment.get();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static String get(String namespace, String resource, String jsonPath) {
        return env.kubectl("get", "-n", namespace, resource, "-o", "jsonpath={" + jsonPath + "}").out().trim();
    }

    /** Polls until the value passes the test; fails with the object, the pods and the operator's log. */
    static String await(String namespace, String resource, String jsonPath, Predicate<String> test, String expected,
            Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        String last = null;
        while (Instant.now().isBefore(end)) {
            Cli.Result r = env.kubectl("get", "-n", namespace, resource, "-o", "jsonpath={" + jsonPath + "}");
            last = r.out().trim();
            if (r.ok() && test.test(last)) {
                return last;
            }
            OperatorProcess.sleep(500);
        }
        throw new AssertionError(resource + " " + jsonPath + " is '" + last + "', not " + expected + " after " + timeout
                + "\n" + env.kubectl("get", "-n", namespace, resource, "-o", "yaml").out() + "\n" + diagnostics());
    }

    static String diagnostics() {
        return "pods:\n" + env.kubectl("get", "pods", "-A", "-o", "wide").out()
                + "\nevents in " + NS + ":\n" + env.kubectl("get", "events", "-n", NS, "--sort-by=.lastTimestamp").out()
                + "\noperator log tail:\n" + env.kubectl("logs", "-n", NS, "-l", SELECTOR, "--tail=40",
                        "--prefix").out()
                + "\nkubelet log tail:\n" + env.nodeLogTail("kubelet", 30);
    }

    /** The names of the operator pods that are Ready, not being deleted. */
    static List<String> readyPods() {
        String out = env.kubectl("get", "pods", "-n", NS, "-l", SELECTOR, "-o", "jsonpath={range .items[*]}"
                + "{.metadata.name} {.metadata.deletionTimestamp} {.status.conditions[?(@.type==\"Ready\")].status}"
                + "{\"\\n\"}{end}").out();
        return out.lines().map(String::trim).filter(l -> l.endsWith(" True") && l.split(" +").length == 2)
                .map(l -> l.split(" ")[0]).toList();
    }

    static List<String> awaitReadyPods(int count, Predicate<List<String>> also, String what) {
        Instant end = Instant.now().plus(WAIT);
        List<String> ready = List.of();
        while (Instant.now().isBefore(end)) {
            ready = readyPods();
            if (ready.size() == count && also.test(ready)) {
                return ready;
            }
            OperatorProcess.sleep(500);
        }
        throw new AssertionError(count + " Ready operator pods " + what + " expected, got " + ready + " after " + WAIT
                + "\n" + diagnostics());
    }

    static String manifest(String name, String table, String index) {
        return KubectlUserJourneyIT.manifest(name, table, index, "");
    }

    /** Appends a line to target/node/measurements.txt (quoted in docs/image-and-node.md) and prints it. */
    static void record(String line) throws Exception {
        System.out.println("node tier: " + line);
        Files.writeString(env.dir.resolve("measurements.txt"), Instant.now() + " " + line + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static long seconds(String from, String to) {
        return Duration.between(Instant.parse(from), Instant.parse(to)).toSeconds();
    }

    // --- the user's path -------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void shouldRunAsAPodThatPassesItsProbesUnderRestrictedPodSecurity() throws Exception {
        env.kubectl("create", "namespace", NS).check();
        env.kubectl("label", "namespace", NS, "pod-security.kubernetes.io/enforce=restricted",
                "pod-security.kubernetes.io/warn=restricted").check();
        Cli.Result install = env.helm("install", RELEASE, Helm.CHART.toString(), "--namespace", NS,
                "--set", "image.repository=" + NodeEnvironment.IMAGE_REPOSITORY,
                "--set", "image.tag=" + NodeEnvironment.IMAGE_TAG, "--set", "image.pullPolicy=Never").check();
        assertThat(install.err()).as("helm install warnings").doesNotContain("PodSecurity");

        String pod = awaitReadyPods(1, p -> true, "after helm install").get(0);
        String prefix = "pod/" + pod;
        assertThat(get(NS, prefix, ".spec.nodeName")).isEqualTo(NodeEnvironment.NODE);
        assertThat(get(NS, prefix, ".status.containerStatuses[0].restartCount")).isEqualTo("0");
        assertThat(get(NS, prefix, ".status.containerStatuses[0].started")).isEqualTo("true");
        assertThat(get(NS, prefix, ".spec.containers[0].securityContext.readOnlyRootFilesystem")).isEqualTo("true");
        assertThat(get(NS, prefix, ".spec.securityContext.runAsUser")).isEqualTo("185");
        // the startup probe may fail while the JVM starts (that is what it is for); liveness and readiness never
        String probeFailures = env.kubectl("get", "events", "-n", NS, "--field-selector",
                "involvedObject.name=" + pod + ",reason=Unhealthy", "-o",
                "jsonpath={range .items[*]}{.count}x {.message}{\"\\n\"}{end}").check().out();
        record("probe events of " + pod + ": " + (probeFailures.isBlank() ? "none" : probeFailures.trim()));
        assertThat(probeFailures.lines().filter(l -> !l.contains("Startup probe failed")).toList())
                .as("liveness or readiness probe failures of " + pod).isEmpty();
        assertThat(env.kubectl("rollout", "status", "deployment/" + RELEASE, "-n", NS, "--timeout=60s").check().out())
                .contains("successfully rolled out");

        // what the kubelet reports: accepted (startTime) -> container started -> Ready; memory from its summary API
        String accepted = get(NS, prefix, ".status.startTime");
        String started = get(NS, prefix, ".status.containerStatuses[0].state.running.startedAt");
        String ready = get(NS, prefix, ".status.conditions[?(@.type==\"Ready\")].lastTransitionTime");
        record("pod " + pod + ": accepted " + accepted + ", container started after " + seconds(accepted, started)
                + " s, Ready after " + seconds(accepted, ready) + " s (startup probe every 2 s, readiness every 10 s)");
        String memory = awaitMemory(pod);
        record("pod " + pod + " memory (kubelet summary API, shortly after Ready): " + memory);
    }

    /** workingSetBytes and rssBytes of the operator container from the kubelet's /stats/summary, in MiB. */
    static String awaitMemory(String pod) throws Exception {
        Instant end = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(end)) {
            JsonNode summary = new ObjectMapper().readTree(env.kubectl("get", "--raw", "/api/v1/nodes/"
                    + NodeEnvironment.NODE + "/proxy/stats/summary").check().out());
            for (JsonNode p : summary.path("pods")) {
                if (!pod.equals(p.path("podRef").path("name").asText())) {
                    continue;
                }
                for (JsonNode c : p.path("containers")) {
                    JsonNode memory = c.path("memory");
                    if ("operator".equals(c.path("name").asText()) && memory.has("workingSetBytes")
                            && memory.has("rssBytes")) {
                        return "working set " + (memory.get("workingSetBytes").asLong() >> 20) + " MiB, RSS "
                                + (memory.get("rssBytes").asLong() >> 20) + " MiB (the chart's limit: 320 MiB)";
                    }
                }
            }
            OperatorProcess.sleep(2000);
        }
        throw new AssertionError("no memory stats for " + pod + " from the kubelet's summary API");
    }

    @Test
    @Order(2)
    void shouldBuildAnIndexToReadyInAPostgresReachedOverThePodNetwork() {
        ConnectionInfo db = env.newDatabase();
        env.createTenant("node-build", db);
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 10000) g");
        env.kubectlIn(manifest("users-email", "users", "users_email_idx"), "apply", "-n", "node-build", "-f", "-")
                .check();
        await("node-build", "pgindex/users-email", ".status.phase", "Ready"::equals, "Ready", WAIT);
        assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass"))
                .isEqualTo("t");
        // built, not adopted; and built over the pod network: the Secret names the node's address, where pg_hba.conf
        // admits only 10.244.0.0/16 (any other client of that address, the host included, matches no line)
        assertThat(get("node-build", "pgindex/users-email", ".status.conditions[?(@.type==\"Ready\")].reason"))
                .isEqualTo("IndexReady");
    }

    @Test
    @Order(3)
    void shouldServeMetricsThroughTheService() throws Exception {
        String service = "service/" + RELEASE + "-metrics";
        String clusterIp = get(NS, service, ".spec.clusterIP");
        String port = get(NS, service, ".spec.ports[0].port");
        assertThat(clusterIp).startsWith("10.0.0.");
        // kube-proxy routes the ClusterIP to the pod, as it does for Prometheus inside a cluster
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + clusterIp + ":" + port
                + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("pgindex_builds_succeeded_total{operation=\"build\"")
                .contains("jvm_memory_used_bytes");
        // and through the API server's service proxy, which needs only the endpoints
        assertThat(env.kubectl("get", "--raw", "/api/v1/namespaces/" + NS + "/services/http:" + RELEASE + "-metrics:"
                + port + "/proxy/q/metrics").check().out()).contains("pgindex_builds_started_total");
    }

    @Test
    @Order(4)
    void shouldRecoverWhenTheKubeletStopsThePodMidBuild() throws Exception {
        ConnectionInfo db = env.newDatabase();
        env.createTenant("node-crash", db);
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 100000) g");
        String before = readyPods().get(0);
        String pid;
        ConnectionInfo local = new ConnectionInfo("localhost", db.port(), db.database(), db.user(), db.password(),
                "disable");
        try (TestPostgres.OpenTransaction blocker = TestPostgres.openTransaction(local, "blocker",
                "UPDATE users SET email = email WHERE id = 1")) {
            env.kubectlIn(manifest("idx", "users", "users_email_idx"), "apply", "-n", "node-crash", "-f", "-").check();
            pid = await("node-crash", "pgindex/idx", ".status.build.builderPid", v -> !v.isBlank(), "a PID", WAIT);
            await("node-crash", "pgindex/idx", ".status.blockedBy", v -> !v.isBlank(), "a blocker", WAIT);

            // the kubelet's kill path: SIGTERM, SIGKILL after terminationGracePeriodSeconds (30)
            Instant t = Instant.now();
            env.kubectl("delete", "pod", before, "-n", NS, "--wait=true", "--timeout=90s").check();
            record("pod " + before + " deleted mid-build (builder backend " + pid + "): gone after "
                    + Duration.between(t, Instant.now()).toSeconds() + " s");
            String after = awaitReadyPods(1, p -> !p.contains(before), "replacing " + before).get(0);
            record("replacement pod " + after + " Ready " + Duration.between(t, Instant.now()).toSeconds()
                    + " s after the delete");
            // at most one build of this index at any time
            assertThat(scalar(local, "SELECT count(*) FROM pg_stat_progress_create_index "
                    + "WHERE datname = current_database()")).isIn("0", "1");
            blocker.commit();
        }
        await("node-crash", "pgindex/idx", ".status.phase", "Ready"::equals, "Ready", WAIT);
        assertThat(scalar(local, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "WHERE c.relname LIKE 'users_email%'")).isEqualTo("1");
        assertThat(scalar(local, "SELECT count(*) FROM pg_index WHERE NOT (indisvalid AND indisready AND indislive)"))
                .isEqualTo("0");
        record("after the pod's deletion: index Ready after " + get("node-crash", "pgindex/idx", ".status.attempts")
                + " attempt(s), one valid index");
    }

    @Test
    @Order(5)
    void shouldHandOverTheLeaseWhenUpgradedToTwoReplicas() throws Exception {
        env.helm("upgrade", RELEASE, Helm.CHART.toString(), "--namespace", NS, "--reuse-values",
                "--set", "replicaCount=2").check();
        String lease = RELEASE;
        // the rollout ends once both replicas of the new template (leader election on) are Ready: followers too
        env.kubectl("rollout", "status", "deployment/" + RELEASE, "-n", NS, "--timeout=180s").check();
        List<String> pods = new ArrayList<>(awaitReadyPods(2, p -> true, "after helm upgrade to two replicas"));
        String leader = await(NS, "lease/" + lease, ".spec.holderIdentity", pods::contains, "one of " + pods, WAIT);
        String follower = pods.stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
        record("two replicas " + pods + ", Lease " + lease + " held by " + leader);

        Instant t = Instant.now();
        env.kubectl("delete", "pod", leader, "-n", NS, "--wait=false").check();
        String next = await(NS, "lease/" + lease, ".spec.holderIdentity",
                h -> !h.isBlank() && !h.equals(leader), "another replica than " + leader, WAIT);
        record("leader " + leader + " deleted: Lease held by " + next + " after "
                + Duration.between(t, Instant.now()).toSeconds() + " s (follower was " + follower + ")");
        assertThat(next).as("the Lease goes to a live replica").isNotEqualTo(leader);

        // the new leader reconciles
        ConnectionInfo db = env.newDatabase();
        env.createTenant("node-ha", db);
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)");
        env.kubectlIn(manifest("users-email", "users", "users_email_idx"), "apply", "-n", "node-ha", "-f", "-")
                .check();
        await("node-ha", "pgindex/users-email", ".status.phase", "Ready"::equals, "Ready", WAIT);
        awaitReadyPods(2, p -> !p.contains(leader), "after the leader's deletion");
    }
}
