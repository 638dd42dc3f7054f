package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.ConstraintHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.pgindex.operator.support.ConstraintHarness.is;
import static dev.pgindex.operator.support.ConstraintHarness.ready;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/** The online protocol of PostgresConstraint on real PostgreSQL (the suite's default server, 17). */
class ConstraintLifecycleTest {
    static final Duration T = Duration.ofSeconds(30);

    static ConnectionInfo parentAndChild() {
        ConnectionInfo db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE parent (id int PRIMARY KEY)", "INSERT INTO parent SELECT g FROM generate_series(1, 100) g",
                "CREATE TABLE child (id int PRIMARY KEY, parent_id int, amount int, email text)",
                "INSERT INTO child SELECT g, 1 + g % 100, g, 'u' || g FROM generate_series(1, 2000) g");
        return db;
    }

    static String validated(ConnectionInfo db, String name) {
        return scalar(db, "SELECT convalidated FROM pg_constraint WHERE conname = '" + name + "'");
    }

    @Test
    void shouldAddAForeignKeyNotValidThenValidateItAndSayThatNoIndexSupportsIt() throws Exception {
        ConnectionInfo db = parentAndChild();
        try (ConstraintHarness h = new ConstraintHarness("fk", db, ConstraintHarness.foreignKey("child",
                "child_parent_fk", List.of("parent_id"), "parent", List.of("id")))) {
            h.reconcileUntil(ready(), T);
            assertThat(validated(db, "child_parent_fk")).isEqualTo("t");
            assertThat(h.status.getStep()).isEqualTo(ConstraintStep.Done);
            assertThat(h.status.getDefinition()).isEqualTo("FOREIGN KEY (parent_id) REFERENCES parent(id)");
            assertThat(h.status.getViolations().getCount()).isZero();
            assertThat(h.status.getSupportingIndex().getFound()).isFalse();
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning NoSupportingIndex"))
                    .anyMatch(e -> e.startsWith("Normal ConstraintAdded") && e.contains("NOT VALID"))
                    .anyMatch(e -> e.startsWith("Normal ConstraintValidated"))
                    .anyMatch(e -> e.startsWith("Normal ConstraintValid"));
            assertThat(h.events.stream().filter(e -> e.contains("NoSupportingIndex")).count()).isEqualTo(1);
            assertThat(scalar(db, "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint "
                    + "WHERE conname = 'child_parent_fk'")).contains("owner=" + h.uid).contains("adopted=false");
            // the VALIDATE's intent was persisted before it was sent
            assertThat(h.persisted).anyMatch(s -> s.getValidation() != null && s.getValidation().getPid() != null);
        }
    }

    @Test
    void shouldStallWithACountAndASampleWhileRowsViolateAndFinishOnceTheDataIsFixed() throws Exception {
        ConnectionInfo db = parentAndChild();
        exec(db, "UPDATE child SET parent_id = 999 WHERE id IN (7, 8)", "CREATE INDEX child_parent_idx ON child (parent_id)");
        try (ConstraintHarness h = new ConstraintHarness("fk", db, ConstraintHarness.foreignKey("child",
                "child_parent_fk", List.of("parent_id"), "parent", List.of("id")))) {
            h.reconcileUntil(is(ConditionType.STALLED, "ViolationsFound"), T);
            assertThat(h.status.getViolations().getCount()).isEqualTo(2);
            assertThat(h.status.getViolations().getSample()).containsExactly("(999)", "(999)");
            assertThat(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'child_parent_fk'"))
                    .as("nothing is added while rows violate it").isEqualTo("0");
            assertThat(h.status.getSupportingIndex().getName()).isEqualTo("child_parent_idx");
            assertThat(h.events).noneMatch(e -> e.contains("NoSupportingIndex"));
            assertThat(h.events.stream().filter(e -> e.startsWith("Warning ViolationsFound")).count()).isEqualTo(1);
            exec(db, "UPDATE child SET parent_id = 1 WHERE parent_id = 999");
            h.reconcileUntil(ready(), T);
            assertThat(validated(db, "child_parent_fk")).isEqualTo("t");
        }
    }

    @Test
    void shouldAddACheckAndReportItsViolationsByPrimaryKey() throws Exception {
        ConnectionInfo db = parentAndChild();
        exec(db, "UPDATE child SET amount = -1 WHERE id = 42");
        try (ConstraintHarness h = new ConstraintHarness("ck", db, ConstraintHarness.check("child",
                "child_amount_ck", "amount >= 0"))) {
            h.reconcileUntil(is(ConditionType.STALLED, "ViolationsFound"), T);
            assertThat(h.status.getViolations().getSample()).containsExactly("(42)");
            exec(db, "UPDATE child SET amount = 0 WHERE id = 42");
            h.reconcileUntil(ready(), T);
            assertThat(h.status.getDefinition()).isEqualTo("CHECK ((amount >= 0))");
        }
    }

    @Test
    void shouldRefuseACheckExpressionPostgresWouldNotTakeBeforeCountingAnything() throws Exception {
        ConnectionInfo db = parentAndChild();
        try (ConstraintHarness h = new ConstraintHarness("ck", db, ConstraintHarness.check("child",
                "child_sub_ck", "amount > (SELECT count(*) FROM pg_class)"))) {
            h.reconcileUntil(is(ConditionType.STALLED, "InvalidDefinition"), T);
            assertThat(h.reasons()).contains("cannot use subquery in check constraint");
            assertThat(h.status.getViolations()).isNull();
        }
        try (ConstraintHarness h = new ConstraintHarness("ck2", db, ConstraintHarness.check("child",
                "child_inj_ck", "true) NOT VALID; DROP TABLE child; --"))) {
            h.reconcileUntil(is(ConditionType.STALLED, "InvalidSpec"), T);
        }
        assertThat(scalar(db, "SELECT count(*) FROM child")).isEqualTo("2000");
    }

    @Test
    void shouldSetNotNullThroughAValidatedHelperCheckAndDropItWhenDeletedWithDelete() throws Exception {
        ConnectionInfo db = parentAndChild();
        exec(db, "UPDATE child SET email = NULL WHERE id = 5");
        var spec = ConstraintHarness.notNull("child", "child_email_nn", "email");
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        try (ConstraintHarness h = new ConstraintHarness("nn", db, spec)) {
            h.reconcileUntil(is(ConditionType.STALLED, "ViolationsFound"), T);
            assertThat(h.status.getViolations().getSample()).containsExactly("(5)");
            exec(db, "UPDATE child SET email = 'x' WHERE id = 5");
            h.reconcileUntil(ready(), T);
            assertThat(scalar(db, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'child'::regclass "
                    + "AND attname = 'email'")).isEqualTo("t");
            boolean native18 = Integer.parseInt(scalar(db, "SHOW server_version_num")) >= 180000;
            assertThat(scalar(db, "SELECT string_agg(contype::text || convalidated::text, ',') FROM pg_constraint "
                    + "WHERE conname = 'child_email_nn'")).as(native18 ? "18: a validated NOT NULL constraint"
                    : "before 18: the helper CHECK is gone").isEqualTo(native18 ? "ntrue" : null);
            assertThat(h.status.getAdopted()).isFalse();
            assertThat(h.releasedWithin(T)).isTrue();
            assertThat(scalar(db, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'child'::regclass "
                    + "AND attname = 'email'")).isEqualTo("f");
        }
    }

    @Test
    void shouldAdoptAndValidateANotValidConstraintLeftBehindAndNeverDropIt() throws Exception {
        ConnectionInfo db = parentAndChild();
        exec(db, "ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) "
                + "NOT VALID");
        var spec = ConstraintHarness.foreignKey("child", "child_parent_fk", List.of("parent_id"), "parent",
                List.of("id"));
        spec.setReclaimPolicy(ReclaimPolicy.Delete);
        try (ConstraintHarness h = new ConstraintHarness("fk", db, spec)) {
            h.reconcileUntil(ready(), T);
            assertThat(h.reasons()).contains("Ready/Adopted");
            assertThat(validated(db, "child_parent_fk")).isEqualTo("t");
            assertThat(h.releasedWithin(T)).isTrue();
            assertThat(validated(db, "child_parent_fk")).as("adopted: never dropped").isEqualTo("t");
            assertThat(scalar(db, "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint "
                    + "WHERE conname = 'child_parent_fk'")).isNull();
        }
    }

    @Test
    void shouldRefuseAConflictingConstraintWithBothDefinitionsAndTouchNothing() throws Exception {
        ConnectionInfo db = parentAndChild();
        exec(db, "ALTER TABLE child ADD CONSTRAINT child_amount_ck CHECK (amount > 10) NOT VALID");
        try (ConstraintHarness h = new ConstraintHarness("ck", db, ConstraintHarness.check("child",
                "child_amount_ck", "amount >= 0"))) {
            h.reconcileUntil(is(ConditionType.STALLED, "DefinitionConflict"), T);
            assertThat(h.reasons()).contains("CHECK ((amount > 10)) NOT VALID").contains("CHECK (amount >= 0)");
            assertThat(validated(db, "child_amount_ck")).isEqualTo("f");
        }
    }

    @Test
    void shouldFinishTheJobAfterARestartBetweenNotValidAndValidate() throws Exception {
        ConnectionInfo db = parentAndChild();
        var spec = ConstraintHarness.check("child", "child_amount_ck", "amount >= 0");
        try (ConstraintHarness h = new ConstraintHarness("ck", db, spec)) {
            // the first operator counted, added NOT VALID with its mark, and died before VALIDATE
            exec(db, "ALTER TABLE child ADD CONSTRAINT child_amount_ck CHECK (amount >= 0) NOT VALID",
                    "COMMENT ON CONSTRAINT child_amount_ck ON child IS 'pgindex-operator owner=" + h.uid
                            + " resource=default/ck spec= adopted=false'");
            h.restartOperator();
            h.reconcileUntil(ready(), T);
            assertThat(h.reasons()).contains("Ready/ConstraintValid");
            assertThat(validated(db, "child_amount_ck")).isEqualTo("t");
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal ConstraintValidated"));
        }
    }

    @Test
    void shouldRetryAddOnLockTimeoutNamingTheSessionInTheWayThenStall() throws Exception {
        ConnectionInfo db = parentAndChild();
        try (Connection holder = TestPostgres.connect(db);
                Statement s = holder.createStatement();
                ConstraintHarness h = new ConstraintHarness("ck", db, ConstraintHarness.check("child",
                        "child_amount_ck", "amount >= 0"))) {
            holder.setAutoCommit(false);
            s.execute("SELECT count(*) FROM child");
            int pid;
            try (var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            h.reconcileUntil(is(ConditionType.RECONCILING, "AddingConstraint")
                    .and(st -> st.getLastError() != null), T);
            assertThat(h.reasons()).contains("pid " + pid).contains("AccessShareLock");
            h.reconcileUntil(is(ConditionType.STALLED, "LockTimeout"), Duration.ofSeconds(60));
            assertThat(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'child_amount_ck'"))
                    .isEqualTo("0");
            holder.rollback();
            h.reconcileUntil(ready(), Duration.ofSeconds(60));
        }
    }

    @Test
    void shouldNeverRunTwoConstraintStepsOnOneTableAtOnce() throws Exception {
        ConnectionInfo db = parentAndChild();
        // a CHECK whose evaluation takes time: 2,000 rows x 2 ms, so VALIDATE runs for about 4 s
        // (declared IMMUTABLE: the operator takes only an immutable check.expression, as PostgreSQL assumes)
        exec(db, "CREATE FUNCTION slow_ok(int) RETURNS boolean LANGUAGE sql IMMUTABLE "
                + "AS 'SELECT pg_sleep(0.002) IS NOT NULL'");
        try (ConstraintHarness a = new ConstraintHarness("a", db, ConstraintHarness.check("child", "child_slow_ck",
                "slow_ok(amount)"));
                ConstraintHarness b = new ConstraintHarness("b", ConstraintHarness.check("child", "child_amount_ck",
                        "amount >= 0"), a)) {
            a.reconcileUntil(st -> st.getStep() == ConstraintStep.Validate && st.getValidation() != null, T);
            b.reconcile();
            b.reconcile();
            assertThat(b.reasons()).contains("WaitingForBuildSlot");
            assertThat(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'child_amount_ck'"))
                    .as("B's ADD is not sent while A validates").isEqualTo("0");
            a.reconcileUntil(ready(), Duration.ofSeconds(60));
            b.reconcileUntil(ready(), Duration.ofSeconds(60));
        }
    }

    @Test
    void shouldWaitForAValidateLeftRunningByAKilledOperatorAndNeverSendASecondOne() throws Exception {
        ConnectionInfo db = parentAndChild();
        // 2,000 rows x 2 ms: the VALIDATE runs for about 4 s
        exec(db, "CREATE FUNCTION slow_ok(int) RETURNS boolean IMMUTABLE LANGUAGE sql AS 'SELECT pg_sleep(0.002) IS NOT NULL'");
        String running = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                + "AND query LIKE 'ALTER TABLE%VALIDATE CONSTRAINT%'";
        try (ConstraintHarness h = new ConstraintHarness("ck", db, ConstraintHarness.check("child", "child_slow_ck",
                "slow_ok(amount)"))) {
            h.reconcileUntil(st -> st.getValidation() != null && st.getValidation().getPid() != null, T);
            String orphan = String.valueOf(h.status.getValidation().getPid());
            Instant sent = Instant.now().plusSeconds(10);
            while (TestPostgres.query(db, running).isEmpty() && Instant.now().isBefore(sent)) {
                Thread.sleep(20);
            }
            assertThat(TestPostgres.query(db, running)).as("the first VALIDATE is running").containsExactly(List.of(orphan));
            h.restartOperator(); // the process dies; its VALIDATE goes on in PostgreSQL
            int before = h.persisted.size();
            boolean waited = false;
            Instant end = Instant.now().plus(Duration.ofSeconds(60));
            while (!ready().test(h.status)) {
                assertThat(Instant.now()).as("Ready in time; " + h.reasons()).isBefore(end);
                h.reconcile();
                assertThat(TestPostgres.query(db, running)).as("only the orphan VALIDATE ever runs")
                        .isSubsetOf(List.of(List.of(orphan)));
                waited |= h.reasons().contains("earlier operator process") && h.reasons().contains("pid " + orphan);
                Thread.sleep(100);
            }
            assertThat(waited).as("the new process said it waits for the orphan").isTrue();
            assertThat(h.reasons()).contains("Ready/ConstraintValid");
            assertThat(validated(db, "child_slow_ck")).isEqualTo("t");
            assertThat(h.persisted.subList(before, h.persisted.size())).as("no VALIDATE started after the restart")
                    .allMatch(st -> st.getValidation() == null || orphan.equals(String.valueOf(st.getValidation().getPid())));
            assertThat(h.events.stream().filter(e -> e.startsWith("Normal ConstraintValidated")).count())
                    .as("the new process ran no VALIDATE of its own").isZero();
        }
    }

    @Test
    void shouldWarnOnceWhileTheSameStepKeepsFailingTheSameWay() throws Exception {
        ConnectionInfo owner = parentAndChild();
        String role = "not_owner_" + owner.database(); // roles are the server's, shared by every test database
        exec(owner, "CREATE ROLE " + role + " LOGIN PASSWORD 'x'", "GRANT SELECT ON child TO " + role);
        ConnectionInfo db = new ConnectionInfo(owner.host(), owner.port(), owner.database(), role, "x", "disable");
        try (ConstraintHarness h = new ConstraintHarness("ck", db, ConstraintHarness.check("child",
                "child_amount_ck", "amount >= 0"))) {
            h.reconcileUntil(is(ConditionType.STALLED, "InsufficientPrivilege"), T);
            for (int i = 0; i < 3; i++) {
                h.reconcile(); // each look tries the ADD again, passing through Reconciling, and fails again
            }
            assertThat(h.reasons()).contains("Stalled/InsufficientPrivilege").contains("must be owner");
            assertThat(h.events.stream().filter(e -> e.startsWith("Warning InsufficientPrivilege")).count())
                    .as("one Warning for one failure, however often it is retried").isEqualTo(1);
        } finally {
            exec(owner, "REVOKE ALL ON child FROM " + role, "DROP ROLE " + role);
        }
    }
}
