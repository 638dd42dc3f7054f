package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;

import java.util.List;
import java.util.function.Supplier;

/** What the reconciler knows about the resource. connection is null when the Secret could not be used. */
public record Request(String uid, String namespace, String name, long generation, PostgresIndexSpec spec,
        ConnectionInfo connection, Reason connectionProblem, String connectionMessage,
        Supplier<List<UsageReplica>> replicas) {
    public Request {
        replicas = replicas == null ? List::of : replicas; // asked only when usage is read
    }

    public Request(String uid, String namespace, String name, long generation, PostgresIndexSpec spec,
            ConnectionInfo connection, Reason connectionProblem, String connectionMessage) {
        this(uid, namespace, name, generation, spec, connection, connectionProblem, connectionMessage, List::of);
    }

    public String resource() {
        return namespace + "/" + name;
    }
}
