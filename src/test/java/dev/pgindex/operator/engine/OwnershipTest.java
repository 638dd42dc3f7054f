package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.pgindex.operator.engine.IndexLifecycleTest.ready;
import static dev.pgindex.operator.engine.IndexLifecycleTest.reason;
import static dev.pgindex.operator.engine.IndexLifecycleTest.stalled;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No path drops or alters an index that is not ours, whatever status says: a person who reuses the name of an
 * index this resource built (after it was Ready, so status still records our build) keeps their index through
 * deletion with reclaimPolicy Delete, invalid-leftover cleanup, REINDEX leftover cleanup and constraints.
 */
class OwnershipTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b int)",
                "INSERT INTO t SELECT g, g, g % 7 FROM generate_series(1, 5000) g");
    }

    static PostgresIndexSpec deletePolicy(PostgresIndexSpec spec) {
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        return spec;
    }

    String definition(String index) {
        return scalar(db, "SELECT pg_get_indexdef(to_regclass('" + index + "'))");
    }

    @Test
    void shouldNotDropAPersonsIndexThatReusesTheNameWhenDeletedWithDeletePolicy() throws Exception {
        try (EngineHarness h = new EngineHarness("own", db, deletePolicy(EngineHarness.spec("t", "t_idx", "a")))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getBuild().getIndexOid()).as("the OID of what we built is pinned")
                    .isEqualTo(Long.parseLong(scalar(db, "SELECT 't_idx'::regclass::oid")));

            exec(db, "DROP INDEX t_idx", "CREATE INDEX t_idx ON t (b)");
            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.DefinitionConflict.name());

            h.deleteUntilDone(WAIT);
            assertThat(definition("t_idx")).isEqualTo("CREATE INDEX t_idx ON public.t USING btree (b)");
            assertThat(h.events).noneMatch(e -> e.contains("IndexDropped"));
        }
    }

    @Test
    void shouldAdoptNotClaimAPersonsIndexWithTheSameDefinitionAndKeepItOnDelete() throws Exception {
        try (EngineHarness h = new EngineHarness("own", db, deletePolicy(EngineHarness.spec("t", "t_idx", "a")))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            exec(db, "DROP INDEX t_idx", "CREATE INDEX t_idx ON t (a)");
            String theirs = scalar(db, "SELECT 't_idx'::regclass::oid");

            h.reconcileUntil(s -> ready(s) && s.getIndex() != null && Boolean.TRUE.equals(s.getIndex().getAdopted()),
                    WAIT);
            assertThat(reason(h.status, ConditionType.READY)).isEqualTo(Reason.Adopted.name());
            assertThat(scalar(db, "SELECT obj_description('t_idx'::regclass, 'pg_class')")).contains("adopted=true");

            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT 't_idx'::regclass::oid")).isEqualTo(theirs);
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal IndexRetained") && e.contains("adopted"));
        }
    }

    @Test
    void shouldNotDropAPersonsInvalidIndexThatReusesTheName() throws Exception {
        try (EngineHarness h = new EngineHarness("own", db, deletePolicy(EngineHarness.spec("t", "t_idx", "a")))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            // a person's own concurrent build of the same name that failed: INVALID, unmarked
            exec(db, "DROP INDEX t_idx", "INSERT INTO t VALUES (100000, 1, 1)");
            assertThat(TestPostgres.execFails(db, "CREATE UNIQUE INDEX CONCURRENTLY t_idx ON t (a)")).isTrue();
            String theirs = scalar(db, "SELECT 't_idx'::regclass::oid");

            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.InvalidIndexNotOwned.name());
            h.reconcile();
            assertThat(scalar(db, "SELECT 't_idx'::regclass::oid")).isEqualTo(theirs);

            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT 't_idx'::regclass::oid")).isEqualTo(theirs);
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_idx'::regclass")).isEqualTo("f");
        }
    }

    @Test
    void shouldLeaveReindexLeftoversThatAnotherSessionLeftBehind() throws Exception {
        try (EngineHarness h = new EngineHarness("own", db, EngineHarness.spec("t", "t_idx", "a"))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            // a person's failed REINDEX of an index of the same table leaves an INVALID t_idx_ccnew behind; so
            // does anything else named like it
            exec(db, "CREATE INDEX t_idx_ccnew ON t (b)",
                    "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 't_idx_ccnew'::regclass");
            for (int i = 0; i < 3; i++) {
                Thread.sleep(300);
                h.reconcile();
            }
            assertThat(ready(h.status)).isTrue();
            assertThat(scalar(db, "SELECT to_regclass('t_idx_ccnew') IS NOT NULL")).isEqualTo("t");
            assertThat(h.events).noneMatch(e -> e.contains("t_idx_ccnew"));
        }
    }

    @Test
    void shouldNotDropAConstraintAPersonAddedOnTheirOwnIndexOfTheSameName() throws Exception {
        PostgresIndexSpec spec = deletePolicy(EngineHarness.spec("t", "t_a_key", "a"));
        spec.setUnique(true);
        ConstraintSpec constraint = new ConstraintSpec();
        constraint.setType(ConstraintType.Unique);
        spec.setConstraint(constraint);
        try (EngineHarness h = new EngineHarness("own", db, spec)) {
            h.reconcileUntil(s -> ready(s) && s.getConstraint() != null, WAIT);
            // a person replaces it with their own constraint and index of the same name
            exec(db, "ALTER TABLE t DROP CONSTRAINT t_a_key", "CREATE UNIQUE INDEX t_a_key ON t (a)",
                    "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_key");
            String theirs = scalar(db, "SELECT 't_a_key'::regclass::oid");

            h.reconcileUntil(s -> ready(s) && Boolean.TRUE.equals(s.getIndex().getAdopted()), WAIT);
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT 't_a_key'::regclass::oid")).isEqualTo(theirs);
            assertThat(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 't_a_key'")).isEqualTo("1");
        }
    }

    @Test
    void shouldNeverCountAnUnmarkedIndexAsOursFromAStatusWrittenBeforeOidsWerePinned() throws Exception {
        // status from an operator that did not pin the OID (or a build that ended between two polls before this
        // fix): our build is recorded as finished, with no OID; a person's index of the same name is not ours
        try (EngineHarness h = new EngineHarness("own", db, deletePolicy(EngineHarness.spec("t", "t_idx", "a")))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            h.status.getBuild().setIndexOid(null);
            h.status.getBuild().setCatalogChecked(null);
            exec(db, "DROP INDEX t_idx", "CREATE INDEX t_idx ON t (a)");
            String theirs = scalar(db, "SELECT 't_idx'::regclass::oid");
            h.reconcileUntil(s -> ready(s) && Boolean.TRUE.equals(s.getIndex().getAdopted()), WAIT);
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT 't_idx'::regclass::oid")).isEqualTo(theirs);
        }
    }

    @Test
    void shouldStillTreatItsOwnUnmarkedBuildAsOursInTheCrashWindow() throws Exception {
        // the window the rule exists for: status says our build was sent and never seen to end (the operator
        // died), and the index carries no mark (the follow-up COMMENT never ran)
        try (EngineHarness h = new EngineHarness("own", db, deletePolicy(EngineHarness.spec("t", "t_idx", "a")))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            exec(db, "DROP INDEX t_idx", "CREATE INDEX t_idx ON t (a)");
            h.status.getBuild().setFinishedAt(null);
            h.status.getBuild().setIndexOid(null);
            h.status.getBuild().setCatalogChecked(null);

            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getIndex().getAdopted()).as("ours, built not adopted").isFalse();
            assertThat(h.status.getBuild().getIndexOid()).isEqualTo(Long.parseLong(scalar(db,
                    "SELECT 't_idx'::regclass::oid")));
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT to_regclass('t_idx')")).isNull();
        }
    }

    @Test
    void shouldNotClaimAnUnmarkedIndexOfAnotherDefinitionEvenInTheCrashWindow() throws Exception {
        try (EngineHarness h = new EngineHarness("own", db, deletePolicy(EngineHarness.spec("t", "t_idx", "a")))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            exec(db, "DROP INDEX t_idx", "CREATE INDEX t_idx ON t (b)");
            h.status.getBuild().setFinishedAt(null);
            h.status.getBuild().setIndexOid(null);
            h.status.getBuild().setCatalogChecked(null);

            h.reconcileUntil(s -> stalledWith(s, Reason.DefinitionConflict), WAIT);
            h.deleteUntilDone(WAIT);
            assertThat(definition("t_idx")).isEqualTo("CREATE INDEX t_idx ON public.t USING btree (b)");
        }
    }

    @Test
    void shouldStillDropItsOwnLeftoverWhenTheFirstLookAfterTheFailureCannotReachTheDatabase() throws Exception {
        // PostgreSQL restarted mid-build: the build fails, and the look right after it finds the server down
        try (EngineHarness h = new EngineHarness("own", db, EngineHarness.spec("t", "t_idx", "a"));
                TestPostgres.OpenTransaction snapshot = TestPostgres.openTransaction(db, "reporting",
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM t")) {
            h.reconcileUntil(s -> s.getBuild() != null && s.getBuild().getBuilderPid() != null, WAIT);
            FailureRecoveryTest.awaitWaitingBuild(db);
            exec(db, "SELECT pg_terminate_backend(" + h.status.getBuild().getBuilderPid() + ")");
            snapshot.connection().rollback();
            while (h.engine().builder().job(h.uid).map(j -> !j.done()).orElse(false)) {
                Thread.sleep(20);
            }
            ConnectionInfo good = h.connection;
            h.connection = new ConnectionInfo("127.0.0.1", 1, good.database(), "postgres", "x", "disable");
            h.reconcile(); // the job's end is recorded, the catalog cannot be read
            assertThat(reason(h.status, ConditionType.RECONCILING)).isEqualTo(Reason.DatabaseUnreachable.name());
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_idx'::regclass"))
                    .isEqualTo("f");
            h.connection = good;
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getIndex().getAdopted()).isFalse();
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal CleaningUp"));
        }
    }

    static boolean stalledWith(dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus s, Reason r) {
        return stalled(s) && r.name().equals(reason(s, ConditionType.STALLED));
    }
}
