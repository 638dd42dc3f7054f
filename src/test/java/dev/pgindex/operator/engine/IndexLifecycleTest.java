package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.query;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/** Create, adopt, conflict, out-of-band changes and deletion, against a real PostgreSQL. */
class IndexLifecycleTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, tenant int, deleted_at timestamptz)",
                "INSERT INTO users (email, tenant) SELECT 'user' || g || '@example.com', g % 10 FROM generate_series(1, 20000) g");
    }

    static boolean ready(dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus s) {
        return Conditions.isTrue(s, ConditionType.READY);
    }

    static boolean stalled(dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus s) {
        return Conditions.isTrue(s, ConditionType.STALLED);
    }

    static String reason(dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus s, String type) {
        return Conditions.get(s, type).orElseThrow().getReason();
    }

    @Test
    void shouldBuildConcurrentlyAndBecomeReadyWhenTableExists() throws Exception {
        try (EngineHarness h = new EngineHarness("users-email", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);

            assertThat(h.status.getPhase()).isEqualTo(Phase.Ready);
            assertThat(h.status.getObservedGeneration()).isEqualTo(1L);
            assertThat(h.status.getAttempts()).isEqualTo(1);
            assertThat(h.status.getIndex().getDefinition())
                    .isEqualTo("CREATE INDEX users_email_idx ON public.users USING btree (email)");
            assertThat(h.status.getIndex().getAdopted()).isFalse();
            assertThat(h.status.getBuild().getStatement())
                    .isEqualTo("CREATE INDEX CONCURRENTLY \"users_email_idx\" ON \"public\".\"users\" USING btree (\"email\")");
            assertThat(h.status.getBuild().getBuilderPid()).isPositive();
            assertThat(h.status.getBuild().getDurationSeconds()).isNotNull();
            // intent was persisted before the DDL ran: Building with the builder pid
            assertThat(h.persisted).isNotEmpty();
            assertThat(h.persisted.get(0).getPhase()).isEqualTo(Phase.Building);
            assertThat(h.persisted.get(0).getBuild().getBuilderPid()).isEqualTo(h.status.getBuild().getBuilderPid());
            assertThat(h.persisted.get(0).getBuild().getFinishedAt()).isNull();
            // valid in the catalog, and marked as ours
            assertThat(query(db, "SELECT indisvalid, indisready, indislive FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass"))
                    .containsExactly(List.of("t", "t", "t"));
            assertThat(scalar(db, "SELECT obj_description('users_email_idx'::regclass, 'pg_class')"))
                    .isEqualTo("pgindex-operator owner=" + h.uid + " resource=default/users-email spec="
                            + h.status.getSpecHash() + " adopted=false");
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal Building"));
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal IndexReady"));
        }
    }

    @Test
    void shouldKeepLastTransitionTimeWhenStatusDoesNotFlip() throws Exception {
        try (EngineHarness h = new EngineHarness("users-email", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            String first = Conditions.get(h.status, ConditionType.READY).orElseThrow().getLastTransitionTime();
            Thread.sleep(1100);
            h.reconcile();
            h.reconcile();
            assertThat(Conditions.get(h.status, ConditionType.READY).orElseThrow().getLastTransitionTime()).isEqualTo(first);
        }
    }

    @Test
    void shouldAdoptEquivalentExistingIndexWithoutRebuildAndNeverDropIt() throws Exception {
        exec(db, "CREATE INDEX users_lower_email ON users (lower(email)) WHERE deleted_at IS NULL");
        String oid = scalar(db, "SELECT 'users_lower_email'::regclass::oid");
        PostgresIndexSpec spec = EngineHarness.spec("users", "users_lower_email");
        spec.setColumns(List.of(IndexColumn.expression("LOWER( email )")));
        spec.setWhere("deleted_at is null");
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        try (EngineHarness h = new EngineHarness("adopt", db, spec)) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);

            assertThat(reason(h.status, ConditionType.READY)).isEqualTo(Reason.Adopted.name());
            assertThat(h.status.getIndex().getAdopted()).isTrue();
            assertThat(h.status.getAttempts()).isNull();
            assertThat(scalar(db, "SELECT 'users_lower_email'::regclass::oid")).isEqualTo(oid);
            assertThat(scalar(db, "SELECT obj_description('users_lower_email'::regclass, 'pg_class')")).contains("adopted=true");

            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT 'users_lower_email'::regclass::oid")).isEqualTo(oid);
            assertThat(scalar(db, "SELECT obj_description('users_lower_email'::regclass, 'pg_class')")).isNull();
        }
    }

    @Test
    void shouldReportConflictAndNotTouchIndexWhenNameHasAnotherDefinition() throws Exception {
        exec(db, "CREATE INDEX users_email_idx ON users (tenant)");
        String oid = scalar(db, "SELECT 'users_email_idx'::regclass::oid");
        try (EngineHarness h = new EngineHarness("conflict", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);

            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.DefinitionConflict.name());
            assertThat(Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage())
                    .contains("columns: existing tenant, wanted email").contains("was not touched");
            assertThat(scalar(db, "SELECT 'users_email_idx'::regclass::oid")).isEqualTo(oid);
            assertThat(scalar(db, "SELECT obj_description('users_email_idx'::regclass, 'pg_class')")).isNull();
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning DefinitionConflict"));
        }
    }

    @Test
    void shouldReportConflictWhenAnotherResourceOwnsTheIndex() throws Exception {
        try (EngineHarness first = new EngineHarness("first", db, EngineHarness.spec("users", "users_email_idx", "email"));
                EngineHarness second = new EngineHarness("second", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            first.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            second.reconcileUntil(IndexLifecycleTest::stalled, WAIT);

            assertThat(reason(second.status, ConditionType.STALLED)).isEqualTo(Reason.OwnedByOther.name());
            assertThat(Conditions.get(second.status, ConditionType.STALLED).orElseThrow().getMessage())
                    .contains("default/first").contains(first.uid);
            // the second resource's deletion never drops the first one's index, whatever its policy
            second.spec.setReclaimPolicy(ReclaimPolicy.Delete);
            second.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT to_regclass('users_email_idx')")).isEqualTo("users_email_idx");
        }
    }

    @Test
    void shouldNotTouchInvalidIndexItDoesNotOwn() throws Exception {
        exec(db, "CREATE INDEX users_email_idx ON users (email)",
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'users_email_idx'::regclass");
        try (EngineHarness h = new EngineHarness("foreign", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.InvalidIndexNotOwned.name());
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass")).isEqualTo("f");
        }
    }

    @Test
    void shouldRebuildWhenReadyIndexIsDroppedOutOfBand() throws Exception {
        try (EngineHarness h = new EngineHarness("oob", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            exec(db, "DROP INDEX users_email_idx");
            h.reconcile();
            assertThat(h.status.getPhase()).isEqualTo(Phase.Building);
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            // the rebuild is an episode of its own, with the whole retry budget: its first attempt is attempt 1
            assertThat(h.status.getAttempts()).isEqualTo(1);
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass")).isEqualTo("t");
        }
    }

    @Test
    void shouldWaitForTableAndBuildOnceItIsCreated() throws Exception {
        try (EngineHarness h = new EngineHarness("later", db, EngineHarness.spec("orders", "orders_total_idx", "total"))) {
            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.TableNotFound.name());
            assertThat(h.status.getLastError().getSqlState()).isEqualTo("42P01");
            assertThat(h.status.getNextAttemptAt()).isNotNull();

            exec(db, "CREATE TABLE orders (id int, total numeric)");
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getLastError()).isNull();
        }
    }

    @Test
    void shouldStallWithColumnNotFoundBeforeTouchingTheTable() throws Exception {
        try (EngineHarness h = new EngineHarness("nocol", db, EngineHarness.spec("users", "users_nope_idx", "nope"))) {
            h.reconcileUntil(IndexLifecycleTest::stalled, WAIT);
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.ColumnNotFound.name());
            assertThat(h.status.getLastError().getMessage()).contains("column \"nope\" does not exist");
            assertThat(h.status.getAttempts()).isNull();
            assertThat(scalar(db, "SELECT to_regclass('users_nope_idx')")).isNull();
        }
    }

    @Test
    void shouldStallWithSecretNotFoundWhenConnectionIsMissing() throws Exception {
        try (EngineHarness h = new EngineHarness("nosecret", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.connectionProblem = Reason.SecretNotFound;
            h.reconcile();
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo(Reason.SecretNotFound.name());
            h.connectionProblem = null;
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
        }
    }

    @Test
    void shouldKeepIndexAndReleaseMarkWhenDeletedWithRetain() throws Exception {
        try (EngineHarness h = new EngineHarness("retain", db, EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass")).isEqualTo("t");
            assertThat(scalar(db, "SELECT obj_description('users_email_idx'::regclass, 'pg_class')")).isNull();
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal IndexRetained"));
        }
    }

    @Test
    void shouldDropIndexConcurrentlyWhenDeletedWithDelete() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("users", "users_email_idx", "email");
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        try (EngineHarness h = new EngineHarness("delete", db, spec)) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            h.deleteUntilDone(WAIT);
            assertThat(scalar(db, "SELECT to_regclass('users_email_idx')")).isNull();
            assertThat(scalar(db, "SELECT count(*) FROM users")).isEqualTo("20000");
        }
    }

    @Test
    void shouldReleaseResourceAfterGracePeriodWhenDatabaseIsUnreachableOnDelete() throws Exception {
        PostgresIndexSpec spec = EngineHarness.spec("users", "users_email_idx", "email");
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        try (EngineHarness h = new EngineHarness("gone", db, spec)) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            h.connection = new ConnectionInfo("127.0.0.1", 1, "nope", "nobody", "x", "disable");
            Instant requested = Instant.now();
            assertThat(h.delete(requested).done()).isFalse();
            assertThat(h.status.getPhase()).isEqualTo(Phase.Deleting);
            assertThat(h.delete(requested.minus(Duration.ofSeconds(3))).done()).isTrue();
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning DropAbandoned"));
            assertThat(scalar(db, "SELECT to_regclass('users_email_idx')")).isEqualTo("users_email_idx");
        }
    }

    @Test
    void shouldBuildEveryOptionAndMatchItOnTheNextReconcile() throws Exception {
        exec(db, "ALTER TABLE users ADD COLUMN code text COLLATE \"C\"");
        PostgresIndexSpec spec = EngineHarness.spec("users", "users_everything_idx");
        IndexColumn tenant = IndexColumn.named("tenant");
        tenant.setOrder(dev.pgindex.operator.api.v1alpha1.SortOrder.DESC);
        tenant.setNulls(dev.pgindex.operator.api.v1alpha1.NullsOrder.LAST);
        IndexColumn email = IndexColumn.named("email");
        email.setOpclass("text_pattern_ops");
        IndexColumn code = IndexColumn.expression("lower(code)");
        code.setCollation("C");
        spec.setColumns(List.of(tenant, email, code));
        spec.setInclude(List.of("id"));
        spec.setWhere("deleted_at IS NULL AND tenant > 0");
        spec.setUnique(true);
        spec.setStorageParameters(java.util.Map.of("fillfactor", "80"));
        try (EngineHarness h = new EngineHarness("all", db, spec)) {
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getIndex().getDefinition()).isEqualTo("CREATE UNIQUE INDEX users_everything_idx ON "
                    + "public.users USING btree (tenant DESC NULLS LAST, email text_pattern_ops, lower(code)) "
                    + "INCLUDE (id) WITH (fillfactor='80') WHERE ((deleted_at IS NULL) AND (tenant > 0))");
            // a fresh operator matches the existing index by shape (no rebuild)
            exec(db, "COMMENT ON INDEX users_everything_idx IS NULL");
            h.restartOperator();
            h.status.setBuild(null);
            h.reconcileUntil(IndexLifecycleTest::ready, WAIT);
            assertThat(h.status.getIndex().getAdopted()).isTrue();
            assertThat(h.status.getAttempts()).isEqualTo(1);
        }
    }
}
