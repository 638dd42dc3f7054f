package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/** Partitioned tables with sub-partitions: ON ONLY, a concurrent build per leaf, ATTACH bottom-up. */
class PartitionTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    ConnectionInfo db;

    @BeforeEach
    void createPartitionedTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE measurements (id bigint NOT NULL, region text NOT NULL, taken date NOT NULL, v int) PARTITION BY LIST (region)",
                "CREATE TABLE measurements_eu PARTITION OF measurements FOR VALUES IN ('eu') PARTITION BY RANGE (taken)",
                "CREATE TABLE measurements_eu_2025 PARTITION OF measurements_eu FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE measurements_eu_2026 PARTITION OF measurements_eu FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "CREATE TABLE measurements_us PARTITION OF measurements FOR VALUES IN ('us')",
                "INSERT INTO measurements SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, "
                        + "date '2025-01-01' + (g % 700), g FROM generate_series(1, 60000) g");
    }

    static String invalidIndexes(ConnectionInfo db) {
        return scalar(db, "SELECT count(*) FROM pg_index WHERE NOT (indisvalid AND indisready AND indislive)");
    }

    @Test
    void shouldBuildOnEveryPartitionRecoverAFailedOneAndKeepWritesFlowing() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Throwable> writeError = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
                int i = 1_000_000;
                while (writing.get()) {
                    s.execute("INSERT INTO measurements VALUES (" + (i++) + ", 'eu', date '2026-06-01', 1)");
                    s.execute("INSERT INTO measurements VALUES (" + (i++) + ", 'us', date '2025-06-01', 1)");
                    written.addAndGet(2);
                }
            } catch (Throwable t) {
                writeError.set(t);
            }
        });
        writer.start();
        try (EngineHarness h = new EngineHarness("parts", db, EngineHarness.spec("measurements", "measurements_v_idx", "v"))) {
            // hold the build of the last partition in a wait phase, then kill it once
            TestPostgres.OpenTransaction blocker = TestPostgres.openTransaction(db, "blocker",
                    "UPDATE measurements_eu_2026 SET v = v WHERE id = 2");
            h.reconcileUntil(s -> s.getBuild() != null && s.getBuild().getTarget() != null
                    && s.getBuild().getTarget().endsWith("measurements_v_idx_measurements_eu_2026") && s.getBlockers() != null, WAIT);
            assertThat(h.status.getPartitions().getDisplay()).isEqualTo("2/3");
            exec(db, "SELECT pg_terminate_backend(" + h.status.getBuild().getBuilderPid() + ")");
            blocker.connection().rollback();
            blocker.close();

            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(h.status.getPartitions().getDisplay()).isEqualTo("3/3");
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal CleaningUp") && e.contains("measurements_eu_2026"));
        } finally {
            writing.set(false);
            writer.join();
        }
        assertThat(writeError.get()).isNull();
        assertThat(written.get()).isPositive();
        assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'measurements_v_idx'::regclass")).isEqualTo("t");
        assertThat(scalar(db, "SELECT count(*) FROM pg_partition_tree('measurements_v_idx') WHERE isleaf")).isEqualTo("3");
        assertThat(invalidIndexes(db)).isEqualTo("0");
        assertThat(scalar(db, "SELECT count(*) FROM measurements")).isEqualTo(String.valueOf(60000 + written.get()));
        // a partition created later inherits the index from the valid parent
        exec(db, "CREATE TABLE measurements_ap PARTITION OF measurements FOR VALUES IN ('ap')");
        assertThat(scalar(db, "SELECT count(*) FROM pg_partition_tree('measurements_v_idx') WHERE isleaf")).isEqualTo("4");
        assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'measurements_ap'")).isEqualTo("1");
    }

    @Test
    void shouldResumeAfterRestartAndDropEverythingOnDelete() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("measurements", "measurements_v_idx", "v");
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        try (EngineHarness h = new EngineHarness("parts", db, spec)) {
            Instant end = Instant.now().plus(WAIT);
            // run until at least one partition is done, then restart the operator
            h.reconcileUntil(s -> s.getPartitions() != null && s.getPartitions().getDone() >= 1, WAIT);
            h.restartOperator();
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), Duration.between(Instant.now(), end));
            assertThat(invalidIndexes(db)).isEqualTo("0");
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'measurements_v_idx%'")).isEqualTo("0");
        }
    }

    @Test
    void shouldDropOurUnattachedPartitionIndexesWhenDeletedMidBuild() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("measurements", "measurements_v_idx", "v");
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        // a person's own index on a partition, not attached to anything: never touched
        exec(db, "CREATE INDEX theirs_us ON measurements_us (id)");
        try (EngineHarness h = new EngineHarness("part-del", db, spec);
                TestPostgres.OpenTransaction snapshot = TestPostgres.openTransaction(db, "reporting",
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM measurements")) {
            // the first leaf's build waits for the open snapshot: it exists, INVALID and not attached
            h.reconcileUntil(s -> s.getPartitions() != null && s.getPartitions().getCurrent() != null
                    && "Build".equals(s.getBuild() == null ? null : s.getBuild().getOperation()), WAIT);
            FailureRecoveryTest.awaitWaitingBuild(db);
            Instant requested = Instant.now();
            assertThat(h.delete(requested).done()).as("the running leaf build is cancelled first").isFalse();
            // the reporting transaction ends (while it holds its locks, the DROP under lock_timeout retries)
            snapshot.connection().rollback();
            Instant end = requested.plus(WAIT);
            while (!h.delete(requested).done()) {
                if (Instant.now().isAfter(end)) {
                    throw new AssertionError("deletion not done: " + h.status.getConditions());
                }
                Thread.sleep(100);
            }
            assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'measurements_v_idx%'"))
                    .as("the parent and every partition index of ours, attached or not").isEqualTo("0");
            assertThat(scalar(db, "SELECT to_regclass('theirs_us') IS NOT NULL")).isEqualTo("t");
            assertThat(invalidIndexes(db)).isEqualTo("0");
        }
    }
}
