package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * After start-up, on a background thread: loads the code the first reconcile needs (the JDBC driver, the
 * resource's JSON mapping, the DDL and condition code) without touching a database or the API server, so that the
 * first index a freshly started operator builds is not slower than the next. Start-up itself does not wait for it.
 */
@Singleton
public class Warmup {
    private static final Logger LOG = Logger.getLogger(Warmup.class);

    void onStart(@Observes StartupEvent event) {
        Thread t = new Thread(Warmup::run, "pgindex-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    static void run() {
        long t0 = System.nanoTime();
        try {
            Databases.warmUp();
            PostgresIndex r = new PostgresIndex();
            r.setMetadata(new ObjectMetaBuilder().withName("warm-up").withNamespace("default").withGeneration(1L)
                    .build());
            PostgresIndexSpec spec = new PostgresIndexSpec();
            spec.setTable("t");
            spec.setName("t_c_idx");
            spec.setColumns(List.of(IndexColumn.named("c")));
            r.setSpec(spec);
            PostgresIndexStatus st = new PostgresIndexStatus();
            Conditions.ready(st, 1, Reason.IndexReady, "warm-up", Instant.now());
            r.setStatus(st);
            Ddl.createIndexConcurrently(Specs.definition(spec));
            Serialization.unmarshal(Serialization.asJson(r), PostgresIndex.class);
            LOG.debugf("warm-up done in %d ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception | LinkageError e) {
            LOG.debugf("warm-up skipped: %s", e);
        }
    }
}
