package dev.pgindex.operator.cli;

import dev.pgindex.operator.kube.Secrets;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.Timeouts;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the database and the cluster are: the options every command shares, named like kubectl's. The database is
 * reached through the connection Secret (the keys the operator reads, {@link ConnectionInfo#fromSecret}) or a
 * connection string; --host/--port override the Secret's host (for a kubectl port-forward).
 */
final class Target implements AutoCloseable {
    static final String APPLICATION_NAME = "kubectl-pgindex";

    @Option(names = {"-n", "--namespace"}, description = "Namespace of the Secret and of the manifests (default: the "
            + "kubeconfig context's namespace, else default).")
    String namespace;

    @Option(names = "--kubeconfig", description = "Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
    String kubeconfig;

    @Option(names = "--context", description = "The kubeconfig context to use.")
    String context;

    @Option(names = "--secret", paramLabel = "NAME", description = "The connection Secret the operator will use "
            + "(keys uri, or host, port, dbname, user, password). Without --dsn it is read from the cluster to "
            + "connect; manifests always reference it.")
    String secret;

    @Option(names = "--dsn", paramLabel = "URI", description = "Connect with this postgresql://user:password@host:port/"
            + "dbname URI instead of reading the Secret (a missing password comes from $PGPASSWORD).")
    String dsn;

    @Option(names = "--host", description = "Override the host of the Secret or URI (for example localhost with "
            + "kubectl port-forward).")
    String host;

    @Option(names = "--port", description = "Override the port of the Secret or URI.")
    Integer port;

    @Option(names = "--sslmode", description = "libpq sslmode of this connection: disable, allow, prefer, require, "
            + "verify-ca, verify-full (manifests never carry it: the operator takes its own from the Secret).")
    String sslMode;

    private KubernetesClient client;
    private String resolvedNamespace;

    /** The namespace as kubectl would pick it, without contacting the cluster. */
    String namespace() {
        if (resolvedNamespace == null) {
            if (namespace != null) {
                resolvedNamespace = namespace;
            } else {
                String ns = null;
                try {
                    ns = config().getNamespace();
                } catch (RuntimeException e) {
                    // no kubeconfig: the default namespace, as kubectl uses
                }
                resolvedNamespace = ns == null || ns.isBlank() ? "default" : ns;
            }
        }
        return resolvedNamespace;
    }

    /** The Secret name manifests reference; required by the commands that write manifests. */
    String secretForManifests() {
        if (secret == null) {
            throw Main.Failure.usage("manifests reference the connection Secret the operator will use: give "
                    + "--secret NAME (with --dsn it is only written into the manifests)");
        }
        return secret;
    }

    ConnectionInfo connectionInfo() {
        Map<String, String> data;
        if (dsn != null) {
            data = new HashMap<>(Map.of("uri", dsn));
        } else if (secret != null) {
            data = secretData();
        } else {
            throw Main.Failure.usage("say where the database is: --secret NAME (read from the cluster) or --dsn URI");
        }
        if (host != null) {
            data.put("host", host);
        }
        if (port != null) {
            data.put("port", Integer.toString(port));
        }
        ConnectionInfo info;
        try {
            info = ConnectionInfo.fromSecret(data, sslMode);
        } catch (ConnectionInfo.IncompleteSecretException e) {
            throw Main.Failure.connection((dsn != null ? "--dsn: " : "Secret " + namespace() + "/" + secret + ": ")
                    + e.getMessage(), e);
        }
        if (info.password() == null && System.getenv("PGPASSWORD") != null) {
            info = new ConnectionInfo(info.host(), info.port(), info.database(), info.user(), System.getenv("PGPASSWORD"),
                    info.sslMode());
        }
        return info;
    }

    /** An autocommit session with the settings the operator's monitor sessions use (no inherited timeouts). */
    Connection connect() {
        ConnectionInfo info = connectionInfo();
        try {
            Connection c = DriverManager.getConnection(info.jdbcUrl(), info.properties(APPLICATION_NAME, 10, 300));
            try (Statement s = c.createStatement()) {
                for (String setting : Timeouts.pluginSession()) {
                    s.execute(setting);
                }
            }
            return c;
        } catch (SQLException e) {
            throw Main.Failure.connection("cannot connect to " + info + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> secretData() {
        Secret s;
        try {
            s = client().secrets().inNamespace(namespace()).withName(secret).get();
        } catch (Main.Failure e) {
            throw e;
        } catch (RuntimeException e) {
            throw Main.Failure.connection("cannot read Secret " + namespace() + "/" + secret + " from the cluster: "
                    + rootMessage(e), e);
        }
        if (s == null) {
            throw Main.Failure.connection("Secret " + namespace() + "/" + secret + " not found (use -n for another "
                    + "namespace, or --dsn to connect without the cluster)", null);
        }
        return Secrets.decode(s); // as the operator reads it
    }

    Config config() {
        if (kubeconfig != null) {
            if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(kubeconfig))) {
                throw Main.Failure.usage("--kubeconfig " + kubeconfig + ": no such file");
            }
            System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig);
        }
        if (context != null && !contexts().contains(context)) {
            // kubectl refuses an unknown context; Fabric8 would quietly use the current one
            throw Main.Failure.usage("context \"" + context + "\" does not exist in the kubeconfig "
                    + Config.getKubeconfigFilenames());
        }
        Config config = Config.autoConfigure(context);
        config.setRequestTimeout(15_000);
        config.setConnectionTimeout(10_000);
        config.setRequestRetryBackoffLimit(1); // a person is waiting: fail fast, say why
        config.setRequestRetryBackoffInterval(500);
        return config;
    }

    private static java.util.Set<String> contexts() {
        java.util.Set<String> names = new java.util.HashSet<>();
        com.fasterxml.jackson.databind.ObjectMapper yaml = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        for (String f : Config.getKubeconfigFilenames()) {
            try {
                yaml.readTree(new java.io.File(f)).path("contexts").forEach(c -> names.add(c.path("name").asText()));
            } catch (java.io.IOException | RuntimeException e) {
                // a missing or unreadable file has no contexts, as for kubectl
            }
        }
        return names;
    }

    /** The innermost message of an error (Fabric8 wraps the useful one in "An error has occurred."). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return t == e ? e.getMessage() : e.getMessage() + " (" + m + ")";
    }

    KubernetesClient client() {
        if (client == null) {
            client = new KubernetesClientBuilder().withConfig(config()).build();
        }
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
