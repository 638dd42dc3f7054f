package dev.pgindex.operator.metrics;

import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-resource gauges of the checks after Ready, labelled namespace and name (bounded by the number of resources)
 * and removed when the resource is deleted: pgindex_collation_drift is the number of collations whose version
 * changed since the index was built (0 when none, or not checked yet).
 */
final class HealthGauges {
    private record Resource(String namespace, String name, AtomicInteger drift, Gauge gauge) {
    }

    private final MeterRegistry registry;
    private final Map<String, Resource> resources = new ConcurrentHashMap<>();

    HealthGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    void update(String uid, String namespace, String name, HealthStatus h) {
        if (h == null && !resources.containsKey(uid)) {
            return;
        }
        if (h == null) {
            Resource r = resources.remove(uid);
            if (r != null) {
                registry.remove(r.gauge());
            }
            return;
        }
        Resource r = resources.computeIfAbsent(uid, u -> {
            AtomicInteger drift = new AtomicInteger();
            Gauge g = Gauge.builder("pgindex.collation.drift", drift, AtomicInteger::get)
                    .tag("namespace", namespace).tag("name", name)
                    .description("Collations whose version changed since the index was built (0: none)")
                    .register(registry);
            return new Resource(namespace, name, drift, g);
        });
        r.drift().set(driftCount(h));
    }

    static int driftCount(HealthStatus h) {
        if (h.getCollationDrift() == null || h.getCollations() == null) {
            return 0;
        }
        return (int) h.getCollations().stream()
                .filter(v -> v.getActual() != null && !v.getActual().equals(v.getVersion())).count();
    }
}
