package dev.pgindex.operator.controller;

import dev.pgindex.operator.api.v1alpha1.ReplicaLagLimit;
import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.engine.ConstraintEngine;
import dev.pgindex.operator.engine.EngineMetrics;
import dev.pgindex.operator.engine.IndexEngine;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.spec.LagLimits;
import dev.pgindex.operator.spec.Windows;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the Kubernetes-free engine from the typed configuration. */
@Singleton
public class EngineProducer {
    private final Databases databases;
    private final IndexBuilder<JobKind> builder;

    EngineProducer(OperatorConfig config) {
        this.databases = new Databases((int) Math.max(1, config.connectTimeout().toSeconds()), 30);
        this.builder = new IndexBuilder<>(databases);
    }

    /** The job runner, shared with the metrics (builds in flight). */
    @Produces
    @Singleton
    IndexBuilder<JobKind> builder() {
        return builder;
    }

    @Produces
    @Singleton
    IndexEngine engine(OperatorConfig config, EngineMetrics metrics) {
        return new IndexEngine(databases, builder, settings(config), metrics)
                .guardDefaults(Windows.parseDefault(config.maintenanceWindows().orElse(null)), lagDefault(config))
                .usageDefaults(config.usageInterval(), config.unusedAfter())
                .healthDefaults(config.collationCheckInterval());
    }

    static Settings settings(OperatorConfig config) {
        return new Settings(config.buildsPerDatabase(), config.resyncInterval(), config.buildPollInterval(),
                config.retryBackoffBase(), config.retryBackoffMax(), config.permanentRecheckBase(),
                config.permanentRecheckMax(), config.deleteGracePeriod(), config.blockedEventThreshold());
    }

    /** pgindex.replica-lag-max-lag / -max-bytes, checked at start (a malformed value stops the operator). */
    static ReplicaLagLimit lagDefault(OperatorConfig config) {
        if (config.replicaLagMaxLag().isEmpty() && config.replicaLagMaxBytes().isEmpty()) {
            return null;
        }
        ReplicaLagLimit l = new ReplicaLagLimit();
        l.setMaxLag(config.replicaLagMaxLag().orElse(null));
        l.setMaxBytes(config.replicaLagMaxBytes().orElse(null));
        LagLimits.of(l, null);
        return l;
    }

    /** The PostgresConstraint engine: the same settings, its own job runner (its jobs hold the same table locks). */
    @Produces
    @Singleton
    ConstraintEngine constraintEngine(OperatorConfig config) {
        return new ConstraintEngine(databases, new IndexBuilder<>(databases), settings(config));
    }

    void closeConstraints(@Disposes ConstraintEngine engine) {
        engine.builder().close();
    }

    void close(@Disposes IndexEngine engine) {
        engine.builder().close();
    }
}
