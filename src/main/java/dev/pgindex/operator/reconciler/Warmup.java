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
 * first index a freshly started operator builds is not slower than the next. It waits until the controllers have
 * had time to start (it would compete with them for the CPU), and ends with one full collection: the serial
 * collector gives heap back to the OS only after a full collection, which an idle operator may never run, so
 * without it the start-up garbage would stay resident (about 3 MiB).
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

    /** How long after start the warm-up begins, and how long after it the collection runs. */
    static final long DELAY_MILLIS = 2000;
    static final long COLLECT_AFTER_MILLIS = 3000;

    static void run() {
        try {
            Thread.sleep(DELAY_MILLIS);
            warmUp();
            Thread.sleep(COLLECT_AFTER_MILLIS);
            System.gc();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void warmUp() {
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
