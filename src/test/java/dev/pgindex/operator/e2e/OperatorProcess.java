package dev.pgindex.operator.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged operator (target/quarkus-app/quarkus-run.jar) as its own process, the way it runs in a pod,
 * authenticated by the kubeconfig it is given. Fast timings so the suite does not wait on production backoffs.
 */
final class OperatorProcess {
    private static int started;
    final Path log;
    final int httpPort;
    private final Process process;

    OperatorProcess(Path kubeconfig, Path logDir, Map<String, String> extraEnv) {
        try {
            Files.createDirectories(logDir);
            this.log = logDir.resolve("operator-" + (++started) + ".log");
            this.httpPort = ControlPlane.freePort();
            Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: the end-to-end tests run after `mvn package`");
            }
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Map<String, String> env = new HashMap<>();
            env.put("KUBECONFIG", kubeconfig.toString());
            env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
            env.put("PGINDEX_BUILD_POLL_INTERVAL", "500ms");
            env.put("PGINDEX_RESYNC_INTERVAL", "5s");
            env.put("PGINDEX_RETRY_BACKOFF_BASE", "1s");
            env.put("PGINDEX_RETRY_BACKOFF_MAX", "4s");
            env.put("PGINDEX_PERMANENT_RECHECK_BASE", "2s");
            env.put("PGINDEX_PERMANENT_RECHECK_MAX", "5s");
            env.put("PGINDEX_DELETE_GRACE_PERIOD", "20s");
            env.put("PGINDEX_BLOCKED_EVENT_THRESHOLD", "3s");
            // what the chart sets from the Downward API: where events go that a terminating namespace refuses
            env.put("PGINDEX_POD_NAME", "pgindex-operator-e2e");
            env.put("PGINDEX_POD_NAMESPACE", E2eEnvironment.OPERATOR_NS);
            env.putAll(extraEnv);
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            this.process = pb.start();
            awaitStarted();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitStarted() {
        Instant end = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new AssertionError("operator exited with " + process.exitValue() + ":\n" + logText());
            }
            if (logText().contains("'postgresindex' controller started")) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError("operator did not start within 60s:\n" + logText());
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The Prometheus text of /q/metrics. */
    String metrics() {
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            return client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sum of the samples of one metric (all label sets), 0 when absent. */
    double metric(String name) {
        return metrics().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM and wait, as a pod deletion would. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: the process dies at once, without any shutdown hook. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Duration since(Instant t) {
        return Duration.between(t, Instant.now());
    }
}
