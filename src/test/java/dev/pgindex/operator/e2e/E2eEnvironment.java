package dev.pgindex.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.Cli;
import dev.pgindex.operator.support.TestPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One control plane, one PostgreSQL and one operator for the whole end-to-end suite. The operator is installed
 * the way a cluster admin would (kubectl apply -k deploy/) and runs as the deploy/ ServiceAccount, never as
 * cluster-admin. Everything is stopped when the JVM exits.
 */
final class E2eEnvironment {
    static final String OPERATOR_NS = "pgindex-system";
    static final String OPERATOR_SA = "pgindex-operator";
    private static E2eEnvironment instance;
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    final ControlPlane controlPlane;
    final Path logDir = Path.of("target", "e2e").toAbsolutePath();
    Path operatorKubeconfig;
    OperatorProcess operator;

    private static RuntimeException failure;

    /** The shared environment; if it could not be set up once, every later caller gets the same failure. */
    static synchronized E2eEnvironment get() {
        if (failure != null) {
            throw new IllegalStateException("the end-to-end environment failed to start earlier", failure);
        }
        if (instance == null) {
            try {
                instance = new E2eEnvironment();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return instance;
    }

    private E2eEnvironment() {
        // a state directory of its own per run, so a run never adopts or stops another run's control plane
        controlPlane = new ControlPlane(Path.of("target", "e2e", "cp-" + ProcessHandle.current().pid()));
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown));
        try {
            controlPlane.start();
            kubectl("apply", "-k", "deploy/").check();
            kubectl("wait", "--for=condition=Established", "crd/postgresindexes.pgindex.dev", "--timeout=60s").check();
            kubectl("wait", "--for=condition=Established", "crd/postgresindexsets.pgindex.dev", "--timeout=60s").check();
            kubectl("wait", "--for=condition=Established", "crd/postgresconstraints.pgindex.dev", "--timeout=60s")
                    .check();
            operatorKubeconfig = controlPlane.serviceAccountKubeconfig(OPERATOR_NS, OPERATOR_SA);
            TestPostgres.server();
            operator = new OperatorProcess(operatorKubeconfig, logDir, Map.of());
        } catch (RuntimeException | Error e) {
            shutdown();
            throw e;
        }
    }

    synchronized void shutdown() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
        controlPlane.stop();
    }

    void restartOperator(Map<String, String> env, Path kubeconfig) {
        operator.stop();
        operator = new OperatorProcess(kubeconfig, logDir, env);
    }

    Cli.Result kubectl(String... args) {
        return kubectlIn(null, args);
    }

    Cli.Result kubectlIn(String stdin, String... args) {
        List<String> cmd = Cli.args("kubectl", args);
        Map<String, String> env = new HashMap<>();
        env.put("KUBECONFIG", controlPlane.kubeconfig.toString());
        return Cli.run(env, Duration.ofMinutes(2), stdin, cmd.toArray(String[]::new));
    }

    Cli.Result apply(String namespace, String yaml) {
        return kubectlIn(yaml, "apply", "-n", namespace, "-f", "-");
    }

    /** A fresh namespace with a database of its own and a CNPG-shaped Secret named db-app pointing at it. */
    Tenant newTenant(String prefix) {
        return newTenant(prefix, "db-app");
    }

    Tenant newTenant(String prefix, String secretName) {
        return newTenant(prefix, secretName, TestPostgres.newDatabase());
    }

    /** A tenant whose database is the given one (for example on a PostgreSQL server a test restarts). */
    Tenant newTenant(String prefix, String secretName, ConnectionInfo db) {
        String ns = prefix + "-" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
        kubectl("create", "namespace", ns).check();
        addSecret(ns, secretName, db);
        return new Tenant(ns, db);
    }

    /** A CNPG-shaped connection Secret (the keys CloudNativePG writes into <cluster>-app) for the database. */
    void addSecret(String namespace, String secretName, ConnectionInfo db) {
        String secret = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: %s
                stringData:
                  username: %s
                  password: %s
                  host: 127.0.0.1
                  port: "%d"
                  dbname: %s
                  uri: postgresql://%s:%s@127.0.0.1:%d/%s
                """.formatted(secretName, db.user(), db.password(), db.port(), db.database(), db.user(), db.password(),
                db.port(), db.database());
        apply(namespace, secret).check();
    }

    record Tenant(String namespace, ConnectionInfo db) {
    }

    /** Polls a jsonpath until it equals the expected value; fails with the resource and operator log if not. */
    String awaitJsonPath(String namespace, String resource, String jsonPath, String expected, Duration timeout) {
        return awaitJsonPath(namespace, resource, jsonPath, expected::equals, "'" + expected + "'", timeout);
    }

    /** Polls a jsonpath until its value passes the test. */
    String awaitJsonPath(String namespace, String resource, String jsonPath, java.util.function.Predicate<String> test,
            String expected, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        String last = null;
        while (Instant.now().isBefore(end)) {
            Cli.Result r = kubectl("get", "-n", namespace, resource, "-o", "jsonpath={" + jsonPath + "}");
            last = r.out();
            if (r.ok() && test.test(last)) {
                return last;
            }
            OperatorProcess.sleep(250);
        }
        throw new AssertionError(resource + " " + jsonPath + " is '" + last + "', not " + expected + " after "
                + timeout + "\n" + kubectl("get", "-n", namespace, resource, "-o", "yaml").out() + "\noperator log tail:\n"
                + tail(operator.logText(), 60));
    }

    /** Polls a jsonpath until it is not empty and returns its value. */
    String awaitNonEmpty(String namespace, String resource, String jsonPath, Duration timeout) {
        return awaitJsonPath(namespace, resource, jsonPath, v -> !v.isBlank(), "a value", timeout);
    }

    /**
     * Polls the Events of a namespace with one reason until there is one and returns the jsonpath over them: the
     * operator sends a reconcile's events just after its status write, so a test that has seen the status may be
     * a moment early for the event.
     */
    String awaitEvents(String namespace, String reason, String jsonPath, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            String out = kubectl("get", "events", "-n", namespace, "--field-selector", "reason=" + reason, "-o",
                    "jsonpath=" + jsonPath).check().out();
            if (!out.isBlank() || Instant.now().isAfter(end)) {
                return out;
            }
            OperatorProcess.sleep(200);
        }
    }

    /** The holderIdentity of a coordination.k8s.io Lease, empty when there is none. */
    String leaseHolder(String namespace, String lease) {
        return kubectl("get", "lease", lease, "-n", namespace, "-o", "jsonpath={.spec.holderIdentity}").out().trim();
    }

    /** Polls until one of the candidates holds the Lease and returns it. */
    String awaitLeaseHolder(String namespace, String lease, List<String> candidates, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        String holder = "";
        while (Instant.now().isBefore(end)) {
            holder = leaseHolder(namespace, lease);
            if (candidates.contains(holder)) {
                return holder;
            }
            OperatorProcess.sleep(500);
        }
        throw new AssertionError("Lease " + namespace + "/" + lease + " held by '" + holder + "', not one of "
                + candidates + " after " + timeout + "\n" + kubectl("get", "lease", "-A", "-o", "yaml").out());
    }

    private static String kstatusBinary;

    /**
     * What the kstatus library (sigs.k8s.io/cli-utils, which Flux and other GitOps tools use) computes for the
     * object as the API server holds it now: "Current", "InProgress", "Failed", "Terminating"...
     * The command comes from $PGINDEX_KSTATUS or is built by hack/build-kstatus.sh.
     */
    String kstatus(String namespace, String resource) {
        synchronized (E2eEnvironment.class) {
            if (kstatusBinary == null) {
                String fromEnv = System.getenv("PGINDEX_KSTATUS");
                kstatusBinary = fromEnv != null && !fromEnv.isBlank() ? fromEnv
                        : Cli.run(Map.of(), Duration.ofMinutes(5), null, "hack/build-kstatus.sh").check().out()
                                .strip().lines().reduce((a, b) -> b).orElseThrow();
            }
        }
        String json = kubectl("get", "-n", namespace, resource, "-o", "json").check().out();
        String line = Cli.run(Map.of(), Duration.ofSeconds(30), json, kstatusBinary).check().out().strip();
        return line.split(" ", 3)[1];
    }

    /**
     * Records every version of the namespace's PostgresIndexes as the API server sends them (kubectl get -w), so a
     * test can count the status writes of its own resource, not those of the whole shared operator.
     */
    StatusWatch watchStatuses(String namespace) {
        return new StatusWatch(controlPlane.kubeconfig, namespace, logDir);
    }

    static final class StatusWatch implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Process process;
        private final Path out;

        StatusWatch(Path kubeconfig, String namespace, Path dir) {
            try {
                Files.createDirectories(dir);
                out = dir.resolve("watch-" + namespace + ".json");
                ProcessBuilder pb = new ProcessBuilder("kubectl", "get", "pgindex", "-n", namespace, "--watch",
                        "-o", "json").redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("KUBECONFIG", kubeconfig.toString());
                process = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            OperatorProcess.sleep(1000); // the watch is established before the test applies anything
        }

        /** Every version of one resource the watch saw, in order. */
        List<JsonNode> versions(String name) {
            List<JsonNode> seen = new ArrayList<>();
            try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(out.toFile())) {
                while (it.hasNext()) {
                    JsonNode o = it.next();
                    if (name.equals(o.path("metadata").path("name").asText())) {
                        seen.add(o);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the last object may be cut off mid-write; everything before it counts
            }
            return seen;
        }

        /**
         * The statuses one resource was given after it was created, in order, as the watch saw them: each one differs
         * from the one before (the status it was created with, which may carry CRD defaults, is not a write).
         */
        List<JsonNode> writtenStatuses(String name) {
            List<JsonNode> seen = new ArrayList<>();
            JsonNode previous = null;
            for (JsonNode o : versions(name)) {
                JsonNode status = o.path("status");
                if (previous != null && !previous.equals(status)) {
                    seen.add(status);
                }
                previous = status;
            }
            return seen;
        }

        /**
         * The resourceVersion of the first version of one resource the watch saw whose Ready condition is True, or
         * -1. The API server's resourceVersions come from one etcd revision counter over every object, so they
         * order writes across objects (a test-only reading: clients are told to treat them as opaque).
         */
        long firstReadyVersion(String name) {
            for (JsonNode o : versions(name)) {
                for (JsonNode c : o.path("status").path("conditions")) {
                    if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                        return Long.parseLong(o.path("metadata").path("resourceVersion").asText());
                    }
                }
            }
            return -1;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
