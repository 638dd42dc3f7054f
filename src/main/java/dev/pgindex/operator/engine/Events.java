package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.Reason;

/** Kubernetes events about the resource. */
public interface Events {
    void normal(Reason reason, String message);

    void warning(Reason reason, String message);
}
