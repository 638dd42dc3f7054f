package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.IndexBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the Kubernetes-free engine from the typed configuration. */
@ApplicationScoped
public class EngineProducer {
    @Produces
    @Singleton
    IndexEngine engine(OperatorConfig config) {
        Databases databases = new Databases((int) Math.max(1, config.connectTimeout().toSeconds()), 30);
        return new IndexEngine(databases, new IndexBuilder(databases), new IndexEngine.Settings(
                config.buildsPerDatabase(), config.resyncInterval(), config.buildPollInterval(),
                config.retryBackoffBase(), config.retryBackoffMax(), config.permanentRecheckBase(),
                config.permanentRecheckMax(), config.deleteGracePeriod()));
    }

    void close(@Disposes IndexEngine engine) {
        engine.builder().close();
    }
}
