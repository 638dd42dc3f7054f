package dev.pgindex.operator.metrics;

import dev.pgindex.operator.api.v1alpha1.UsageStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-resource usage series (labels namespace and name only, so there are as many series as PostgresIndex
 * resources with a usage reading): size, scans, unused. A resource's series appear with its first usage reading and
 * are removed when the resource is deleted.
 */
final class UsageMeters {
    /** The figures one resource's series read; replaced on every update. */
    private static final class Figures {
        volatile double sizeBytes;
        volatile double scans;
        volatile double unused;
        List<Meter> meters;
    }

    private final MeterRegistry registry;
    private final Map<String, Figures> byResource = new ConcurrentHashMap<>();

    UsageMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void update(String namespace, String name, UsageStatus u) {
        String key = namespace + "/" + name;
        if (u == null || u.getSizeBytes() == null) {
            Figures gone = u == null ? byResource.remove(key) : null;
            if (gone != null) {
                gone.meters.forEach(registry::remove);
            }
            return;
        }
        Figures f = byResource.computeIfAbsent(key, k -> register(namespace, name));
        f.sizeBytes = u.getSizeBytes();
        f.scans = u.getScans() == null ? 0 : u.getScans();
        f.unused = u.getUnusedSince() == null ? 0 : 1;
    }

    private Figures register(String namespace, String name) {
        Figures f = new Figures();
        Tags tags = Tags.of("namespace", namespace, "name", name);
        f.meters = List.of(
                Gauge.builder("pgindex.index.size", f, x -> x.sizeBytes).baseUnit("bytes").tags(tags)
                        .description("Size of the index on the primary (status.usage.sizeBytes)").register(registry),
                FunctionCounter.builder("pgindex.index.scans", f, x -> x.scans).tags(tags)
                        .description("Index scans on the primary and listed replicas since status.usage.countingSince "
                                + "(status.usage.scans; never goes down across statistics resets)")
                        .register(registry),
                Gauge.builder("pgindex.index.unused", f, x -> x.unused).tags(tags)
                        .description("1 when the index has gone without a scan for its unusedAfter "
                                + "(status.usage.unusedSince is set), else 0").register(registry));
        return f;
    }
}
