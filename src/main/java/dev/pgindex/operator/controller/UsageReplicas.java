package dev.pgindex.operator.controller;

import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.decide.UsageReplica;
import dev.pgindex.operator.kube.Secrets;
import dev.pgindex.operator.postgres.ConnectionInfo;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.List;

/**
 * The replicas of spec.usage.replicas, each from its Secret through the same {@link SecretCache} and parsing as
 * spec.connection. The Secrets are read only when the engine reads usage (at most once per usage interval), not
 * on every re-check; one that cannot be used becomes a replica with a problem, reported in status.usage.
 */
final class UsageReplicas {
    private UsageReplicas() {
    }

    static Request with(Request req, PostgresIndex r, KubernetesClient client,
            SecretCache secrets) {
        var spec = r.getSpec();
        if (spec == null || spec.getUsage() == null || spec.getUsage().getReplicas() == null
                || spec.getUsage().getReplicas().isEmpty()) {
            return req;
        }
        List<ConnectionRef> refs = List.copyOf(spec.getUsage().getReplicas());
        String ns = r.getMetadata().getNamespace();
        return new Request(req.uid(), req.namespace(), req.name(), req.generation(), req.spec(),
                req.connection(), req.connectionProblem(), req.connectionMessage(),
                () -> read(refs, ns, client, secrets));
    }

    static List<UsageReplica> read(List<ConnectionRef> refs, String ns, KubernetesClient client, SecretCache secrets) {
        List<UsageReplica> out = new ArrayList<>();
        for (ConnectionRef ref : refs) {
            String name = ref.getSecretName();
            try {
                Secret secret = secrets.get(client, ns, name);
                if (secret == null) {
                    out.add(new UsageReplica(name, null, "Secret " + ns + "/" + name + " not found"));
                    continue;
                }
                String ssl = ref.getSslMode() == null ? null : ref.getSslMode().value();
                out.add(new UsageReplica(name,
                        ConnectionInfo.fromSecret(Secrets.decode(secret), ssl), null));
            } catch (ConnectionInfo.IncompleteSecretException e) {
                out.add(new UsageReplica(name, null, "Secret " + ns + "/" + name + ": " + e.getMessage()));
            } catch (KubernetesClientException e) {
                out.add(new UsageReplica(name, null, "Secret " + ns + "/" + name + " not readable: " + e.getMessage()));
            }
        }
        return out;
    }
}
