package dev.pgindex.operator.e2e;

import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.ship.Helm;
import dev.pgindex.operator.support.Cli;
import dev.pgindex.operator.support.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node tier's world, as a user's cluster would be: the control plane of hack/control-plane.sh started for a node
 * (PGINDEX_NODE_IP), a real node (hack/node.sh: containerd, kubelet, kube-proxy, kube-scheduler), the operator image
 * built by hack/build-image.sh and imported into containerd, and a PostgreSQL listening on the node's address, which
 * pods reach through the pod network. Everything is stopped when the JVM exits.
 */
final class NodeEnvironment {
    static final String NODE = "pgindex-node";
    static final String IMAGE_REPOSITORY = "localhost/pgindex-operator";
    static final String IMAGE_TAG = "dev";
    /** The PostgreSQL password pods authenticate with (scram-sha-256 over the pod network). */
    static final String PG_PASSWORD = "pgindex-node-tier";
    private static NodeEnvironment instance;
    private static RuntimeException failure;

    final Path dir = Path.of("target", "node").toAbsolutePath();
    final ControlPlane controlPlane;
    final Map<String, String> nodeEnv = new HashMap<>();
    final String nodeIp;
    final Path imageArchive;
    final EmbeddedPostgres postgres;

    static synchronized NodeEnvironment get() {
        if (failure != null) {
            throw new IllegalStateException("the node environment failed to start earlier", failure);
        }
        if (instance == null) {
            try {
                instance = new NodeEnvironment();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return instance;
    }

    private NodeEnvironment() {
        if (!"root".equals(ProcessHandle.current().info().user().orElse(""))) {
            throw new IllegalStateException("the node tier runs containerd, the kubelet and kube-proxy: run it as root");
        }
        Helm.require();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String binaries = ControlPlane.lastLine(Cli.run(Map.of(), Duration.ofMinutes(45), null,
                "hack/build-control-plane.sh", "--with-node").check());
        nodeIp = ControlPlane.lastLine(Cli.run(Map.of(), Duration.ofSeconds(10), null, "hack/node.sh", "ip").check());
        // the control plane's state under target/ (one per run), the node's under the cache (its images persist)
        controlPlane = new ControlPlane(dir.resolve("cp-" + ProcessHandle.current().pid()), binaries,
                Map.of("PGINDEX_NODE_IP", nodeIp));
        nodeEnv.putAll(controlPlane.env);
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown));
        EmbeddedPostgres pg = null;
        try {
            // --skip-package: this runs inside `mvn verify`, after package built target/quarkus-app
            imageArchive = Path.of(ControlPlane.lastLine(Cli.run(Map.of(), Duration.ofMinutes(20), null,
                    "hack/build-image.sh", "--skip-package").check()));
            controlPlane.start();
            Cli.run(nodeEnv, Duration.ofMinutes(5), null, "hack/node.sh", "start").check();
            Cli.run(nodeEnv, Duration.ofMinutes(5), null, "hack/node.sh", "load", imageArchive.toString()).check();
            pg = startPostgres();
        } catch (RuntimeException | Error e) {
            shutdown();
            throw e;
        }
        postgres = pg;
    }

    /**
     * A PostgreSQL on the node's address as well as on loopback: pods connect from the pod network with a password,
     * the tests from loopback.
     */
    private EmbeddedPostgres startPostgres() {
        Path hba = dir.resolve("pg_hba.conf");
        try {
            Files.writeString(hba, """
                    local all all trust
                    host all all 127.0.0.1/32 trust
                    host all all ::1/128 trust
                    host all all 10.244.0.0/16 scram-sha-256
                    """);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1," + nodeIp)
                    .setServerConfig("hba_file", hba.toString())
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "off")
                    .start();
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
                    Statement s = c.createStatement()) {
                s.execute("ALTER ROLE postgres PASSWORD '" + PG_PASSWORD + "'");
            }
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized void shutdown() {
        Cli.run(nodeEnv, Duration.ofMinutes(3), null, "hack/node.sh", "stop");
        controlPlane.stop();
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                // the JVM is exiting
            }
        }
    }

    Cli.Result kubectl(String... args) {
        return kubectlIn(null, args);
    }

    Cli.Result kubectlIn(String stdin, String... args) {
        return Cli.run(Map.of("KUBECONFIG", controlPlane.kubeconfig.toString()), Duration.ofMinutes(3), stdin,
                Cli.args("kubectl", args).toArray(String[]::new));
    }

    Cli.Result helm(String... args) {
        return Helm.run(Map.of("KUBECONFIG", controlPlane.kubeconfig.toString()), args);
    }

    /** A new database; its connection info names the node's address, as a pod sees it. */
    ConnectionInfo newDatabase() {
        ConnectionInfo local = TestPostgres.newDatabase(postgres);
        return new ConnectionInfo(nodeIp, local.port(), local.database(), "postgres", PG_PASSWORD, "disable");
    }

    /** A namespace with a CNPG-shaped Secret db-app for the database. */
    void createTenant(String namespace, ConnectionInfo db) {
        kubectl("create", "namespace", namespace).check();
        kubectlIn("""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db-app
                stringData:
                  username: %s
                  password: %s
                  host: %s
                  port: "%d"
                  dbname: %s
                """.formatted(db.user(), db.password(), db.host(), db.port(), db.database()),
                "apply", "-n", namespace, "-f", "-").check();
    }

    /** What the node's daemons logged, for failure messages. */
    String nodeLogTail(String daemon, int lines) {
        Path log = Path.of(System.getenv().getOrDefault("PGINDEX_NODE_DIR",
                System.getProperty("user.home") + "/.cache/pgindex-operator/node"), "logs", daemon + ".log");
        try {
            return E2eEnvironment.tail(Files.readString(log), lines);
        } catch (IOException e) {
            return "(no " + log + ")";
        }
    }

    List<String> podNames(String namespace, String selector) {
        String out = kubectl("get", "pods", "-n", namespace, "-l", selector, "-o",
                "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}").check().out();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
