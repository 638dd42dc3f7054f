package dev.pgindex.operator.metrics;

import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per-resource gauges of the checks after Ready, labelled namespace and name (bounded by the number of resources)
 * and removed when the resource is deleted: pgindex_collation_drift is the number of collations whose version
 * changed since the index was built (0 when none, or not checked yet); pgindex_verification_failures is 1 while the
 * latest amcheck verification of the index found it corrupt, else 0; pgindex_index_bloat_ratio is the last bloat
 * measurement as a ratio (NaN when not measured).
 */
final class HealthGauges {
    private record Resource(AtomicInteger drift, AtomicInteger failures, AtomicReference<Double> bloat,
            List<Gauge> gauges) {
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
                r.gauges().forEach(registry::remove);
            }
            return;
        }
        Resource r = resources.computeIfAbsent(uid, u -> {
            AtomicInteger drift = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            Gauge d = Gauge.builder("pgindex.collation.drift", drift, AtomicInteger::get)
                    .tag("namespace", namespace).tag("name", name)
                    .description("Collations whose version changed since the index was built (0: none)")
                    .register(registry);
            Gauge f = Gauge.builder("pgindex.verification.failures", failures, AtomicInteger::get)
                    .tag("namespace", namespace).tag("name", name)
                    .description("1 while the latest amcheck verification found the index corrupt, else 0")
                    .register(registry);
            AtomicReference<Double> bloat = new AtomicReference<>(Double.NaN);
            Gauge b = Gauge.builder("pgindex.index.bloat.ratio", bloat, AtomicReference::get)
                    .tag("namespace", namespace).tag("name", name)
                    .description("Bloat of the index as a ratio (0.25 = 25%), as last measured (spec.health.bloat)")
                    .register(registry);
            return new Resource(drift, failures, bloat, List.of(d, f, b));
        });
        r.drift().set(driftCount(h));
        r.bloat().set(h.getBloat() == null || h.getBloat().getPercent() == null ? Double.NaN
                : h.getBloat().getPercent() / 100.0);
        r.failures().set(h.getVerification() != null && "Failed".equals(h.getVerification().getResult()) ? 1 : 0);
    }

    static int driftCount(HealthStatus h) {
        if (h.getCollationDrift() == null || h.getCollations() == null) {
            return 0;
        }
        return (int) h.getCollations().stream()
                .filter(v -> v.getActual() != null && !v.getActual().equals(v.getVersion())).count();
    }
}
