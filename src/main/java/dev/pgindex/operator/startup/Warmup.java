package dev.pgindex.operator.startup;

import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.spec.Specs;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Only while the image's class data sharing archive is trained (src/main/docker/cds-training.sh): a file naming
     * the classes an earlier start loaded from the jars. They are linked here, because the JVM archives only linked
     * classes, and many that a start loads (the Kubernetes model the client registers, for one) are never linked.
     */
    static final String TRAINING_CLASS_LIST = "cds-training.class-list";

    static void run() {
        try {
            Thread.sleep(DELAY_MILLIS);
            warmUp();
            linkForTraining(System.getProperty(TRAINING_CLASS_LIST));
            Thread.sleep(COLLECT_AFTER_MILLIS);
            System.gc();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void linkForTraining(String classList) {
        if (classList == null) {
            return;
        }
        int linked = 0;
        try {
            for (String name : Files.readAllLines(Path.of(classList))) {
                try {
                    Class.forName(name.strip(), false, Warmup.class.getClassLoader()).getDeclaredMethods(); // links
                    linked++;
                } catch (ClassNotFoundException | LinkageError | SecurityException skipped) {
                    // a class of another loader, or one whose optional dependency is absent: not archived
                }
            }
        } catch (IOException e) {
            LOG.warnf("training class list %s not read: %s", classList, e);
        }
        LOG.infof("training: %d classes linked for the archive", linked);
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
            new StatusDraft(st).conditions().ready(1, Reason.IndexReady, "warm-up", Instant.now());
            r.setStatus(st);
            Ddl.createIndexConcurrently(Specs.definition(spec));
            Serialization.unmarshal(Serialization.asJson(r), PostgresIndex.class);
            LOG.debugf("warm-up done in %d ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception | LinkageError e) {
            LOG.debugf("warm-up skipped: %s", e);
        }
    }
}
