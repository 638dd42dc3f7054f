package dev.pgindex.operator.decide;

import dev.pgindex.operator.postgres.ConnectionInfo;

/** A read replica of spec.usage.replicas: its Secret's name, and its connection or why there is none. */
public record UsageReplica(String name, ConnectionInfo connection, String problem) {
}
