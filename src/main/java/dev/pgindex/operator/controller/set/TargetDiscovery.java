package dev.pgindex.operator.controller.set;

import dev.pgindex.operator.api.v1alpha1.Identifiers;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetSpec;
import dev.pgindex.operator.api.v1alpha1.SetDatabases;
import dev.pgindex.operator.api.v1alpha1.SetSchemas;
import dev.pgindex.operator.kube.Secrets;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.Schemas;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds a set's targets: the databases (named Secrets, then Secrets selected by label, by name) and, per
 * database, the schemas (the listed names plus those matching the pattern in pg_namespace). A database whose
 * schemas cannot be read is reported, never taken as "no schemas".
 */
final class TargetDiscovery {
    private final KubernetesClient client;
    private final Databases databases;

    TargetDiscovery(KubernetesClient client, Databases databases) {
        this.client = client;
        this.databases = databases;
    }

    /**
     * What was found. {@code schemas} maps each database to its schemas, or to null when they could not be read
     * (the reason is in {@code unreachable}). {@code databasesComplete} is false when the Secret list failed:
     * then a database that is not named may still be a target.
     */
    record Found(Map<String, List<String>> schemas, List<String> unreachable, String secretListProblem,
            boolean databasesComplete) {
    }

    Found discover(String namespace, PostgresIndexSetSpec spec) {
        SetDatabases dbs = spec.getDatabases();
        Set<String> secrets = new LinkedHashSet<>(dbs.getSecretNames() == null ? List.of() : dbs.getSecretNames());
        String listProblem = null;
        boolean complete = true;
        if (dbs.getSecretSelector() != null && dbs.getSecretSelector().getMatchLabels() != null) {
            try {
                TreeSet<String> selected = new TreeSet<>();
                client.secrets().inNamespace(namespace).withLabels(dbs.getSecretSelector().getMatchLabels()).list()
                        .getItems().forEach(s -> selected.add(s.getMetadata().getName()));
                secrets.addAll(selected);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                    throw e; // transient API trouble: the framework retries with backoff
                }
                complete = false;
                listProblem = "the operator may not list Secrets in " + namespace + " for spec.databases."
                        + "secretSelector (" + e.getStatus().getMessage() + "): install the chart with "
                        + "indexSet.secretSelector.enabled=true, or name the Secrets in spec.databases.secretNames";
            }
        }
        SetSchemas wanted = spec.getSchemas();
        List<String> names = wanted == null || wanted.getNames() == null ? List.of() : wanted.getNames();
        String pattern = wanted == null ? null : wanted.getPattern();
        if (names.isEmpty() && pattern == null) {
            names = List.of("public");
        }
        String ssl = dbs.getSslMode() == null ? null : dbs.getSslMode().value();
        Map<String, List<String>> schemas = new LinkedHashMap<>();
        List<String> unreachable = new ArrayList<>();
        for (String secret : secrets) {
            TreeSet<String> found = new TreeSet<>(names);
            if (pattern != null) {
                try {
                    ConnectionInfo info = connection(namespace, secret, ssl);
                    for (String schema : Schemas.matching(databases, info, pattern)) {
                        // a name the PostgresIndex schema field would refuse cannot become a target
                        if (schema.matches(Identifiers.PATTERN)
                                && schema.getBytes(StandardCharsets.UTF_8).length <= Identifiers.MAX_BYTES) {
                            found.add(schema);
                        }
                    }
                } catch (Unreadable e) {
                    schemas.put(secret, null);
                    unreachable.add(secret + ": " + e.getMessage());
                    continue;
                } catch (DatabaseException e) {
                    schemas.put(secret, null);
                    unreachable.add(secret + ": " + e.getMessage());
                    continue;
                }
            }
            schemas.put(secret, List.copyOf(found));
        }
        return new Found(schemas, unreachable, listProblem, complete);
    }

    private ConnectionInfo connection(String namespace, String secretName, String ssl) throws Unreadable {
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(secretName).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                throw new Unreadable("the operator may not read Secret " + namespace + "/" + secretName);
            }
            throw e;
        }
        if (secret == null) {
            throw new Unreadable("Secret " + namespace + "/" + secretName + " not found");
        }
        try {
            return ConnectionInfo.fromSecret(Secrets.decode(secret), ssl);
        } catch (ConnectionInfo.IncompleteSecretException e) {
            throw new Unreadable("Secret " + namespace + "/" + secretName + ": " + e.getMessage());
        }
    }

    /** A Secret that cannot give a connection. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }
}
