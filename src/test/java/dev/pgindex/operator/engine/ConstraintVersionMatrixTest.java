package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.ConstraintHarness;
import dev.pgindex.operator.support.PgVersionServer;
import dev.pgindex.operator.support.VersionMatrix;
import dev.pgindex.operator.support.VersionMatrix.Row;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.support.ConstraintHarness.is;
import static dev.pgindex.operator.support.ConstraintHarness.ready;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgresConstraint protocol on every PostgreSQL version the operator supports: each an extra embedded server
 * started from the Zonky binaries jar of that version (target/pg-binaries, copied by the build), plus the suite's
 * default server. What differs between versions and is asserted here:
 * <ul>
 * <li>NOT NULL: before 18 through a validated helper CHECK and SET NOT NULL; on 18 a native
 * {@code ADD CONSTRAINT name NOT NULL col NOT VALID} (attnotnull is true from the ADD on, new NULLs are refused,
 * convalidated is false until VALIDATE), and a column holds at most one NOT NULL constraint;</li>
 * <li>a foreign key ON a partitioned table: PostgreSQL before 18 refuses NOT VALID (42809, "cannot add NOT VALID
 * foreign key on partitioned table"), so the resource stalls with UnsupportedFeature before counting or adding
 * anything; 18 adds and validates it on the table and every partition.</li>
 * </ul>
 * A missing jar skips its version with a message, unless CI=true. 14.2 is in the list on purpose: its
 * CREATE INDEX CONCURRENTLY bug does not concern constraints, which it must handle like any other version.
 */
class ConstraintVersionMatrixTest {
    static final List<String> VERSIONS = List.of("12.22.0", "14.2.0", "15.19.0", "16.15.0", "18.3.0");
    static final Duration T = Duration.ofSeconds(30);


    @Test
    void constraintProtocolReachesWhatEachPostgresVersionAllowsAndStallsClearlyWhereItCannot() throws Exception {
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        VersionMatrix.onEachServer(VERSIONS, rows, failures, (version, port, started) -> {
            if (started > 0) {
                rows.add(new Row(version, "server start", "ok", String.format("%.1f s", started)));
            }
            runScenarios(version, port, rows, failures);
        });
        VersionMatrix.print("ConstraintVersionMatrixTest", rows);
        assertThat(failures).isEmpty();
    }

    private static void runScenarios(String version, int port, List<Row> rows, List<String> failures) {
        int num = Integer.parseInt(scalar(PgVersionServer.newDatabase(port), "SHOW server_version_num"));
        boolean is18 = num >= 180000;
        VersionMatrix.scenario(version, "FK: violations -> Stalled, fixed -> Ready", rows, failures, () -> {
            ConnectionInfo db = parentAndChild(port);
            exec(db, "UPDATE child SET parent_id = 999 WHERE id IN (7, 8)");
            try (ConstraintHarness h = new ConstraintHarness("fk", db, childParentFk("child"))) {
                h.reconcileUntil(is(ConditionType.STALLED, "ViolationsFound"), T);
                assertThat(h.status.getViolations().getCount()).isEqualTo(2);
                assertThat(h.status.getViolations().getSample()).containsExactly("(999)", "(999)");
                assertThat(count(db, "child_parent_fk")).as("nothing added while rows violate it").isZero();
                exec(db, "UPDATE child SET parent_id = 1 WHERE parent_id = 999");
                h.reconcileUntil(ready(), T);
                assertThat(validated(db, "child", "child_parent_fk")).isEqualTo("t");
                return "Stalled/ViolationsFound 2, sample (999); fixed -> Ready/" + reason(h, ConditionType.READY)
                        + ", convalidated";
            }
        });
        VersionMatrix.scenario(version, "CHECK: NOT VALID + VALIDATE -> Ready", rows, failures, () -> {
            ConnectionInfo db = parentAndChild(port);
            try (ConstraintHarness h = new ConstraintHarness("ck", db, ConstraintHarness.check("child",
                    "child_amount_ck", "amount >= 0"))) {
                h.reconcileUntil(ready(), T);
                assertThat(validated(db, "child", "child_amount_ck")).isEqualTo("t");
                assertThat(h.status.getDefinition()).isEqualTo("CHECK ((amount >= 0))");
                assertThat(h.events).anyMatch(e -> e.startsWith("Normal ConstraintAdded") && e.contains("NOT VALID"))
                        .anyMatch(e -> e.startsWith("Normal ConstraintValidated"));
                return "Ready/" + reason(h, ConditionType.READY) + ": " + h.status.getDefinition();
            }
        });
        VersionMatrix.scenario(version, is18 ? "NOT NULL: native NOT VALID + VALIDATE, Delete" : "NOT NULL: helper CHECK, Delete",
                rows, failures, () -> {
                    ConnectionInfo db = parentAndChild(port);
                    exec(db, "UPDATE child SET email = NULL WHERE id = 5");
                    PostgresConstraintSpec spec = ConstraintHarness.notNull("child", "child_email_nn", "email");
                    spec.setReclaimPolicy(ReclaimPolicy.Delete);
                    try (ConstraintHarness h = new ConstraintHarness("nn", db, spec)) {
                        h.reconcileUntil(is(ConditionType.STALLED, "ViolationsFound"), T);
                        assertThat(h.status.getViolations().getSample()).containsExactly("(5)");
                        exec(db, "UPDATE child SET email = 'x' WHERE id = 5");
                        h.reconcileUntil(ready(), T);
                        assertThat(attNotNull(db, "child", "email")).isEqualTo("t");
                        String detail = "Ready/" + reason(h, ConditionType.READY) + ", ";
                        if (is18) {
                            assertThat(scalar(db, "SELECT contype::text || ' ' || convalidated FROM pg_constraint "
                                    + "WHERE conrelid = 'child'::regclass AND conname = 'child_email_nn'"))
                                    .as("a native, validated NOT NULL constraint").isEqualTo("n true");
                            assertThat(h.status.getDefinition()).isEqualTo("NOT NULL email");
                            assertThat(h.events).anyMatch(e -> e.startsWith("Normal ConstraintAdded")
                                    && e.contains("NOT VALID: NOT NULL \"email\""));
                            detail += "contype n, convalidated, attnotnull";
                        } else {
                            assertThat(count(db, "child_email_nn")).as("the helper CHECK is dropped").isZero();
                            detail += "helper CHECK dropped, attnotnull";
                        }
                        assertThat(h.releasedWithin(T)).isTrue();
                        assertThat(attNotNull(db, "child", "email")).as("Delete drops the NOT NULL").isEqualTo("f");
                        assertThat(count(db, "child_email_nn")).isZero();
                        return detail + "; Delete -> attnotnull f";
                    }
                });
        VersionMatrix.scenario(version, "NOT NULL held under another name -> Adopted", rows, failures, () -> {
            ConnectionInfo db = parentAndChild(port);
            exec(db, "ALTER TABLE child ALTER COLUMN email SET NOT NULL");
            try (ConstraintHarness h = new ConstraintHarness("nn", db, ConstraintHarness.notNull("child",
                    "child_email_nn", "email"))) {
                h.reconcileUntil(ready(), T);
                assertThat(reason(h, ConditionType.READY)).isEqualTo("Adopted");
                assertThat(count(db, "child_email_nn")).as("nothing added").isZero();
                if (is18) {
                    assertThat(message(h, ConditionType.READY)).contains("child_email_not_null");
                }
                return "Ready/Adopted: " + shorten(message(h, ConditionType.READY));
            }
        });
        if (is18) {
            VersionMatrix.scenario(version, "NOT NULL NOT VALID under another name -> Stalled", rows, failures, () -> {
                ConnectionInfo db = parentAndChild(port);
                exec(db, "ALTER TABLE child ADD CONSTRAINT email_required NOT NULL email NOT VALID");
                try (ConstraintHarness h = new ConstraintHarness("nn", db, ConstraintHarness.notNull("child",
                        "child_email_nn", "email"))) {
                    h.reconcileUntil(is(ConditionType.STALLED, "DefinitionConflict"), T);
                    assertThat(message(h, ConditionType.STALLED)).contains("email_required").contains("NOT VALID");
                    assertThat(h.status.getViolations()).as("nothing counted").isNull();
                    assertThat(validated(db, "child", "email_required")).as("never touched").isEqualTo("f");
                    assertThat(count(db, "child_email_nn")).isZero();
                    return "Stalled/DefinitionConflict: " + shorten(message(h, ConditionType.STALLED));
                }
            });
        }
        VersionMatrix.scenario(version, is18 ? "FK on a partitioned table -> Ready" : "FK on a partitioned table -> Stalled",
                rows, failures, () -> {
                    ConnectionInfo db = parentAndChild(port);
                    partitionedChild(db);
                    try (ConstraintHarness h = new ConstraintHarness("pfk", db, childParentFk("pchild"))) {
                        if (is18) {
                            h.reconcileUntil(ready(), T);
                            assertThat(scalar(db, "SELECT count(*) || ' ' || bool_and(convalidated) FROM pg_constraint "
                                    + "WHERE conname = 'pchild_parent_fk'")).as("the table and its 2 partitions")
                                    .isEqualTo("3 true");
                            return "Ready/" + reason(h, ConditionType.READY) + ", validated on table and partitions";
                        }
                        h.reconcileUntil(is(ConditionType.STALLED, "UnsupportedFeature"), T);
                        String msg = message(h, ConditionType.STALLED);
                        assertThat(msg).contains("before 18").contains("partitioned").contains("pchild");
                        h.reconcile();
                        assertThat(reason(h, ConditionType.STALLED)).isEqualTo("UnsupportedFeature");
                        assertThat(h.status.getViolations()).as("not even counted").isNull();
                        assertThat(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname LIKE 'pchild%' "
                                + "AND contype = 'f'")).as("nothing left behind").isEqualTo("0");
                        assertThat(h.events).noneMatch(e -> e.contains("ConstraintAdded"));
                        return "Stalled/UnsupportedFeature: " + shorten(msg);
                    }
                });
        VersionMatrix.scenario(version, "FK referencing a partitioned table -> Ready", rows, failures, () -> {
            ConnectionInfo db = PgVersionServer.newDatabase(port);
            exec(db, "CREATE TABLE pparent (id int PRIMARY KEY) PARTITION BY RANGE (id)",
                    "CREATE TABLE pparent_1 PARTITION OF pparent FOR VALUES FROM (1) TO (51)",
                    "CREATE TABLE pparent_2 PARTITION OF pparent FOR VALUES FROM (51) TO (101)",
                    "INSERT INTO pparent SELECT g FROM generate_series(1, 100) g",
                    "CREATE TABLE child (id int PRIMARY KEY, parent_id int)",
                    "INSERT INTO child SELECT g, 1 + g % 100 FROM generate_series(1, 2000) g");
            try (ConstraintHarness h = new ConstraintHarness("rfk", db, ConstraintHarness.foreignKey("child",
                    "child_pparent_fk", List.of("parent_id"), "pparent", List.of("id")))) {
                h.reconcileUntil(ready(), T);
                assertThat(validated(db, "child", "child_pparent_fk")).isEqualTo("t");
                return "Ready/" + reason(h, ConditionType.READY) + ": " + h.status.getDefinition();
            }
        });
        VersionMatrix.scenario(version, "CHECK on a partitioned table -> Ready", rows, failures, () -> {
            ConnectionInfo db = parentAndChild(port);
            partitionedChild(db);
            try (ConstraintHarness h = new ConstraintHarness("pck", db, ConstraintHarness.check("pchild",
                    "pchild_amount_ck", "amount >= 0"))) {
                h.reconcileUntil(ready(), T);
                assertThat(scalar(db, "SELECT count(*) || ' ' || bool_and(convalidated) FROM pg_constraint "
                        + "WHERE conname = 'pchild_amount_ck'")).as("the table and its 2 partitions")
                        .isEqualTo("3 true");
                return "Ready/" + reason(h, ConditionType.READY) + ", validated on table and partitions";
            }
        });
        VersionMatrix.scenario(version, "NOT NULL on a partitioned table -> Ready", rows, failures, () -> {
            ConnectionInfo db = parentAndChild(port);
            partitionedChild(db);
            try (ConstraintHarness h = new ConstraintHarness("pnn", db, ConstraintHarness.notNull("pchild",
                    "pchild_amount_nn", "amount"))) {
                h.reconcileUntil(ready(), T);
                assertThat(scalar(db, "SELECT string_agg(attnotnull::text, ' ' ORDER BY attrelid) FROM pg_attribute "
                        + "WHERE attname = 'amount' AND attrelid IN ('pchild'::regclass, 'pchild_1'::regclass, "
                        + "'pchild_2'::regclass)")).as("the table and its 2 partitions").isEqualTo("true true true");
                assertThat(scalar(db, "SELECT string_agg(contype::text || convalidated::text, ' ') FROM pg_constraint "
                        + "WHERE conname = 'pchild_amount_nn'")).as(is18 ? "native, validated everywhere"
                        : "the helper CHECK is dropped everywhere").isEqualTo(is18 ? "ntrue ntrue ntrue" : null);
                return "Ready/" + reason(h, ConditionType.READY) + ", attnotnull on table and partitions";
            }
        });
        VersionMatrix.scenario(version, "delete: Delete drops, Retain keeps unmarked", rows, failures, () -> {
            ConnectionInfo db = parentAndChild(port);
            PostgresConstraintSpec dropped = ConstraintHarness.check("child", "child_amount_ck", "amount >= 0");
            dropped.setReclaimPolicy(ReclaimPolicy.Delete);
            PostgresConstraintSpec kept = childParentFk("child");
            kept.setReclaimPolicy(ReclaimPolicy.Retain);
            try (ConstraintHarness d = new ConstraintHarness("del", db, dropped);
                    ConstraintHarness r = new ConstraintHarness("ret", db, kept)) {
                d.reconcileUntil(ready(), T);
                r.reconcileUntil(ready(), T);
                assertThat(d.releasedWithin(T)).isTrue();
                assertThat(count(db, "child_amount_ck")).as("Delete drops it").isZero();
                assertThat(d.events).anyMatch(e -> e.startsWith("Normal ConstraintDropped"));
                assertThat(r.releasedWithin(T)).isTrue();
                assertThat(validated(db, "child", "child_parent_fk")).as("Retain keeps it").isEqualTo("t");
                assertThat(scalar(db, "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint "
                        + "WHERE conname = 'child_parent_fk'")).as("the mark is cleared").isNull();
                assertThat(r.events).anyMatch(e -> e.startsWith("Normal ConstraintRetained"));
                return "CHECK dropped; FK kept, validated, COMMENT cleared";
            }
        });
    }

    static ConnectionInfo parentAndChild(int port) {
        ConnectionInfo db = PgVersionServer.newDatabase(port);
        exec(db, "CREATE TABLE parent (id int PRIMARY KEY)", "INSERT INTO parent SELECT g FROM generate_series(1, 100) g",
                "CREATE TABLE child (id int PRIMARY KEY, parent_id int, amount int, email text)",
                "INSERT INTO child SELECT g, 1 + g % 100, g, 'u' || g FROM generate_series(1, 2000) g");
        return db;
    }

    static void partitionedChild(ConnectionInfo db) {
        exec(db, "CREATE TABLE pchild (id int, parent_id int, amount int) PARTITION BY RANGE (id)",
                "CREATE TABLE pchild_1 PARTITION OF pchild FOR VALUES FROM (1) TO (1001)",
                "CREATE TABLE pchild_2 PARTITION OF pchild FOR VALUES FROM (1001) TO (2001)",
                "INSERT INTO pchild SELECT g, 1 + g % 100, g FROM generate_series(1, 2000) g");
    }

    static PostgresConstraintSpec childParentFk(String table) {
        return ConstraintHarness.foreignKey(table, table + "_parent_fk", List.of("parent_id"), "parent",
                List.of("id"));
    }

    static String validated(ConnectionInfo db, String table, String name) {
        return scalar(db, "SELECT convalidated FROM pg_constraint WHERE conrelid = '" + table + "'::regclass "
                + "AND conname = '" + name + "'");
    }

    static long count(ConnectionInfo db, String name) {
        return Long.parseLong(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = '" + name + "'"));
    }

    static String attNotNull(ConnectionInfo db, String table, String column) {
        return scalar(db, "SELECT attnotnull FROM pg_attribute WHERE attrelid = '" + table + "'::regclass "
                + "AND attname = '" + column + "'");
    }



    private static String reason(ConstraintHarness h, String type) {
        return condition(h, type).getReason();
    }

    private static String message(ConstraintHarness h, String type) {
        return condition(h, type).getMessage();
    }

    private static Condition condition(ConstraintHarness h, String type) {
        return h.status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    private static String shorten(String s) {
        String t = s.replace('\n', ' ');
        return t.length() > 160 ? t.substring(0, 160) + "..." : t;
    }
}
