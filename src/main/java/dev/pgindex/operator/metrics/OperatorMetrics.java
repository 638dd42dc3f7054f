package dev.pgindex.operator.metrics;

import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.UsageStatus;
import dev.pgindex.operator.decide.BuildJob;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.engine.EngineMetrics;
import dev.pgindex.operator.postgres.IndexBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics (served at /q/metrics). Labels are bounded: operation (build, drop), result (success,
 * failure), reason (the fixed set of failure reasons), phase (the five phases). docs/metrics.md lists them all.
 */
@jakarta.inject.Singleton
public class OperatorMetrics implements EngineMetrics {
    private final MeterRegistry registry;
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private final UsageMeters usageMeters;
    private final HealthGauges health;

    @jakarta.inject.Inject
    public OperatorMetrics(MeterRegistry registry, IndexBuilder<?> builder) {
        this.registry = registry;
        this.usageMeters = new UsageMeters(registry);
        this.health = new HealthGauges(registry);
        Gauge.builder("pgindex.builds.in.flight", builder, IndexBuilder::inFlight)
                .description("CREATE/DROP INDEX CONCURRENTLY statements running now, started by this process")
                .register(registry);
        for (Phase p : Phase.values()) {
            Gauge.builder("pgindex.resources", phases, m -> m.values().stream().filter(v -> v == p).count())
                    .tag("phase", p.name()).description("PostgresIndex resources by phase, as last reconciled")
                    .register(registry);
        }
    }

    @Override
    public void jobStarted(JobKind kind) {
        Counter.builder("pgindex.builds.started").tag("operation", op(kind))
                .description("Concurrent builds (operation=build) and leftover drops (operation=drop) started")
                .register(registry).increment();
    }

    @Override
    public void jobFinished(JobKind kind, boolean success, String reason, Duration took) {
        if (success) {
            Counter.builder("pgindex.builds.succeeded").tag("operation", op(kind))
                    .description("Concurrent builds and drops that ended without error").register(registry).increment();
        } else {
            Counter.builder("pgindex.builds.failed").tag("operation", op(kind)).tag("reason", reason)
                    .description("Concurrent builds and drops that failed, by classified reason")
                    .register(registry).increment();
        }
        if (kind instanceof BuildJob) {
            Timer.builder("pgindex.build.duration").tag("result", success ? "success" : "failure")
                    .description("Duration of CREATE INDEX CONCURRENTLY").publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(12))
                    .register(registry).record(took);
        }
    }

    @Override
    public void invalidIndexFound() {
        Counter.builder("pgindex.invalid.indexes.found")
                .description("INVALID leftovers of this operator's builds found in the catalog").register(registry)
                .increment();
    }

    @Override
    public void invalidIndexRepaired() {
        Counter.builder("pgindex.invalid.indexes.repaired")
                .description("INVALID leftovers dropped with DROP INDEX CONCURRENTLY (a rebuild follows)")
                .register(registry).increment();
    }

    @Override
    public void reconcileError() {
        Counter.builder("pgindex.reconcile.errors").description("Reconciles that ended with an unexpected exception")
                .register(registry).increment();
    }

    @Override
    public void statusWrite() {
        Counter.builder("pgindex.status.writes").description("Status updates sent to the API server")
                .register(registry).increment();
    }

    @Override
    public void phase(String uid, Phase phase) {
        if (phase == null) {
            phases.remove(uid);
        } else {
            phases.put(uid, phase);
        }
    }

    @Override
    public void usage(String namespace, String name, UsageStatus usage) {
        usageMeters.update(namespace, name, usage);
    }

    @Override
    public void health(String uid, String namespace, String name, HealthStatus h) {
        health.update(uid, namespace, name, h);
    }

    private static String op(JobKind kind) {
        return kind.label();
    }
}
