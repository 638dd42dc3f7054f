package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

/** Persists status now (before a DDL is sent); throws if it could not. */
public interface StatusSink {
    void persist(PostgresIndexStatus status) throws Exception;
}
