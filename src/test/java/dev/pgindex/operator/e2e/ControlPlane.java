package dev.pgindex.operator.e2e;

import dev.pgindex.operator.support.Cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real control plane of hack/control-plane.sh (etcd, kube-apiserver, kube-controller-manager built from the
 * Kubernetes Go modules), started on free loopback ports with its state under target/, and stopped at the end.
 */
final class ControlPlane {
    final Path stateRoot;
    final Map<String, String> env = new HashMap<>();
    final Path kubeconfig;

    ControlPlane(Path stateRoot) {
        this(stateRoot, System.getenv().getOrDefault("PGINDEX_K8S_BIN_DIR", ""), Map.of());
    }

    /**
     * A control plane with the binaries of the given directory (built by hack/build-control-plane.sh when empty) and
     * extra environment for hack/control-plane.sh (for example PGINDEX_NODE_IP for a real node).
     */
    ControlPlane(Path stateRoot, String binaries, Map<String, String> extraEnv) {
        this.stateRoot = stateRoot.toAbsolutePath();
        if (binaries.isEmpty()) {
            binaries = lastLine(Cli.run(Map.of(), Duration.ofMinutes(30), null, "hack/build-control-plane.sh").check());
        }
        env.putAll(extraEnv);
        env.put("PGINDEX_K8S_BIN_DIR", binaries);
        env.put("PGINDEX_CACHE", this.stateRoot.toString());
        env.put("PGINDEX_APISERVER_PORT", Integer.toString(freePort()));
        env.put("PGINDEX_ETCD_CLIENT_PORT", Integer.toString(freePort()));
        env.put("PGINDEX_ETCD_PEER_PORT", Integer.toString(freePort()));
        this.kubeconfig = this.stateRoot.resolve("control-plane").resolve("kubeconfig");
    }

    void start() {
        Cli.run(env, Duration.ofMinutes(5), null, "hack/control-plane.sh", "start").check();
    }

    void stop() {
        Cli.run(env, Duration.ofMinutes(2), null, "hack/control-plane.sh", "stop");
    }

    /** Stops kube-apiserver alone; etcd and its data stay (hack/control-plane.sh stop-apiserver). */
    void stopApiServer() {
        Cli.run(env, Duration.ofMinutes(1), null, "hack/control-plane.sh", "stop-apiserver").check();
    }

    /** Starts kube-apiserver again with the same flags and waits for /readyz. */
    void startApiServer() {
        Cli.run(env, Duration.ofMinutes(2), null, "hack/control-plane.sh", "start-apiserver").check();
    }

    /** A kubeconfig that authenticates as the ServiceAccount (bound token from the TokenRequest API). */
    Path serviceAccountKubeconfig(String namespace, String serviceAccount) {
        Path out = stateRoot.resolve(namespace + "-" + serviceAccount + ".kubeconfig");
        Cli.run(env, Duration.ofMinutes(1), null, "hack/control-plane.sh", "sa-kubeconfig", namespace,
                serviceAccount, out.toString()).check();
        return out;
    }

    /** The last non-blank line of a script's output (where the hack/ scripts print their result). */
    static String lastLine(Cli.Result r) {
        return r.out().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElseThrow().trim();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
