package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.UsageStatus;
import dev.pgindex.operator.decide.JobKind;

import java.time.Duration;

/** What the operator reports for Prometheus; implemented with Micrometer by metrics.OperatorMetrics. */
public interface EngineMetrics {
    EngineMetrics NOOP = new EngineMetrics() {
    };

    default void jobStarted(JobKind kind) {
    }

    default void jobFinished(JobKind kind, boolean success, String reason, Duration took) {
    }

    default void invalidIndexFound() {
    }

    default void invalidIndexRepaired() {
    }

    default void reconcileError() {
    }

    default void statusWrite() {
    }

    default void phase(String uid, Phase phase) {
    }

    /** The usage of a resource as last recorded (status.usage), or null when it is gone: per-resource series. */
    default void usage(String namespace, String name, UsageStatus usage) {
    }

    /** What the checks after Ready found for a resource (null: forget it, the resource is gone). */
    default void health(String uid, String namespace, String name, HealthStatus health) {
    }
}
