package dev.pgindex.operator.controller;

import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.kube.Secrets;
import dev.pgindex.operator.postgres.ConnectionInfo;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * spec.connection of every kind, read through the {@link SecretCache}: the connection, or why there is none (a
 * missing or unreadable Secret, one without the keys). Transient API trouble is thrown, for the framework to retry.
 */
public final class Connections {
    /** {@code info} null when {@code problem} says why. */
    public record Resolved(ConnectionInfo info, Reason problem, String message) {
    }

    private Connections() {
    }

    public static Resolved resolve(KubernetesClient client, SecretCache secrets, String ns, ConnectionRef ref) {
        String secretName = ref == null ? null : ref.getSecretName();
        if (secretName == null) {
            return new Resolved(null, Reason.SecretInvalid, "spec.connection.secretName is missing");
        }
        try {
            Secret secret = secrets.get(client, ns, secretName);
            if (secret == null) {
                return new Resolved(null, Reason.SecretNotFound, "Secret " + ns + "/" + secretName + " not found; the "
                        + "operator checks again with backoff and continues once it exists");
            }
            String ssl = ref.getSslMode() == null ? null : ref.getSslMode().value();
            return new Resolved(ConnectionInfo.fromSecret(Secrets.decode(secret), ssl), null, null);
        } catch (ConnectionInfo.IncompleteSecretException e) {
            return new Resolved(null, Reason.SecretInvalid, "Secret " + ns + "/" + secretName + ": " + e.getMessage());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return new Resolved(null, Reason.SecretNotFound, "the operator may not read Secret " + ns + "/"
                        + secretName + " (" + e.getMessage() + "); grant it get on secrets in this namespace");
            }
            throw e; // transient API trouble: let the framework retry with backoff
        }
    }
}
