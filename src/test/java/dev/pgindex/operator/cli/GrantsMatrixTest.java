package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.Feature;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.ConstraintHarness;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.PgVersionServer;
import dev.pgindex.operator.support.VersionMatrix;
import dev.pgindex.operator.support.VersionMatrix.Row;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least privilege, proven on PostgreSQL 12, 15, 18 (extra servers) and the suite's default (17): a role created
 * with exactly the statements `kubectl pgindex grants` prints runs every statement of the features, and each grant
 * revoked in turn makes the statements that need it fail with 42501; through the operator's engines, a missing
 * grant is Stalled/InsufficientPrivilege naming it, with nothing left behind. The database is hardened first
 * (CONNECT and TEMPORARY revoked from PUBLIC, the public schema closed, the owners' CREATE on the schema revoked,
 * and the USAGE of the owner role the operator's role is a member of), so the printed grants are the only source of
 * each privilege.
 */
class GrantsMatrixTest {
    static final List<String> VERSIONS = List.of("12.22.0", "15.19.0", "18.3.0");
    static final Duration T = Duration.ofSeconds(30);
    static final Pattern GRANT = Pattern.compile("GRANT (.+) TO (\"[^\"]+\")(?: WITH .*)?;");
    static final EnumSet<Feature> FEATURES = EnumSet.of(Feature.BUILD, Feature.DROP, Feature.REBUILD,
            Feature.ANALYZE, Feature.CONSTRAINT, Feature.CHECK, Feature.FOREIGN_KEY, Feature.BLOCKING_SESSIONS,
            Feature.BLOCKER_DETAILS, Feature.VERIFY, Feature.BLOAT);

    static final List<Connection> SESSIONS = new java.util.concurrent.CopyOnWriteArrayList<>();



    @Test
    void everyFeatureRunsWithExactlyThePrintedGrantsAndEachRevokedGrantFailsWith42501() {
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        VersionMatrix.onEachServer(VERSIONS, rows, failures, (version, port, started) ->
                runScenarios(version, () -> PgVersionServer.newDatabase(port), rows, failures));
        for (Connection c : SESSIONS) {
            try {
                c.close();
            } catch (SQLException e) {
                // the server is gone already
            }
        }
        VersionMatrix.print("GrantsMatrixTest", rows);
        assertThat(failures).isEmpty();
    }

    interface Databases {
        ConnectionInfo create();
    }

    private static void runScenarios(String version, Databases dbs, List<Row> rows, List<String> failures) {
        VersionMatrix.scenario(version, "printed grants: every statement works", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create()).withProbeConstraints();
            f.probes().forEach((name, sql) -> f.asOpOk(sql));
            return f.statements.size() + " statements: " + String.join(" | ", f.statements);
        });
        VersionMatrix.scenario(version, "each grant revoked in turn: 42501", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create()).withProbeConstraints();
            List<String> proven = new ArrayList<>();
            for (String grant : f.statements) {
                Matcher m = GRANT.matcher(grant);
                if (!m.matches()) {
                    continue; // CREATE ROLE: without LOGIN there is no session at all
                }
                exec(f.admin, "REVOKE " + m.group(1) + " FROM " + m.group(2));
                List<String> failing = f.failsWith42501(grant);
                assertThat(failing).as("statements failing without: " + grant).isNotEmpty();
                exec(f.admin, grant);
                proven.add(m.group(1).replace("\"", "") + " -> " + failing.size());
            }
            return String.join("; ", proven);
        });
        VersionMatrix.scenario(version, "engine: exact grants -> Ready, Delete drops", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create());
            PostgresIndexSpec spec = f.index("orders_parent_idx", "parent_id");
            spec.setReclaimPolicy(ReclaimPolicy.Delete);
            spec.setRebuild("r1");
            try (EngineHarness h = new EngineHarness("grants", f.op, spec)) {
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && "r1".equals(s.getRebuiltToken()), T);
                h.deleteUntilDone(T);
            }
            assertThat(f.indexes("orders_parent_idx")).isEqualTo("0");
            try (ConstraintHarness h = new ConstraintHarness("fk", f.op, f.foreignKey())) {
                h.reconcileUntil(ConstraintHarness.ready(), T);
            }
            return "PostgresIndex Ready, rebuilt, dropped; PostgresConstraint FK Ready";
        });
        VersionMatrix.scenario(version, "engine: membership revoked -> Stalled", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create());
            exec(f.admin, "REVOKE " + f.owner + " FROM " + f.role);
            try (EngineHarness h = new EngineHarness("grants", f.op, f.index("orders_parent_idx", "parent_id"))) {
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), T);
                String msg = Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage();
                assertThat(Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getReason())
                        .isEqualTo("InsufficientPrivilege");
                assertThat(msg).contains("GRANT " + f.owner + " TO " + f.role);
                assertThat(f.indexes("orders_parent_idx")).as("no INVALID index left").isEqualTo("0");
                return "Stalled/InsufficientPrivilege: " + msg;
            }
        });
        VersionMatrix.scenario(version, "engine: CREATE on schema revoked -> Stalled", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create());
            exec(f.admin, "REVOKE CREATE ON SCHEMA app FROM " + f.role);
            try (EngineHarness h = new EngineHarness("grants", f.op, f.index("orders_parent_idx", "parent_id"))) {
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), T);
                String msg = Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage();
                assertThat(msg).contains("GRANT CREATE ON SCHEMA app TO " + f.role);
                assertThat(f.indexes("orders_parent_idx")).isEqualTo("0");
                return "Stalled/InsufficientPrivilege: " + msg;
            }
        });
        VersionMatrix.scenario(version, "engine: TEMPORARY revoked -> Stalled", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create());
            exec(f.admin, "REVOKE TEMPORARY ON DATABASE " + f.admin.database() + " FROM " + f.role);
            try (EngineHarness h = new EngineHarness("grants", f.op, f.index("orders_parent_idx", "parent_id"))) {
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), T);
                var c = Conditions.get(h.status, ConditionType.STALLED).orElseThrow();
                assertThat(c.getMessage()).contains("temporary");
                assertThat(f.indexes("orders_parent_idx")).isEqualTo("0");
                return "Stalled/" + c.getReason() + ": " + c.getMessage();
            }
        });
        VersionMatrix.scenario(version, "engine: REFERENCES revoked -> FK Stalled", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create());
            exec(f.admin, "REVOKE REFERENCES ON app.parent FROM " + f.role);
            return f.constraintStalls();
        });
        VersionMatrix.scenario(version, "engine: SELECT on referenced revoked -> Stalled", rows, failures, () -> {
            Fixture f = Fixture.create(dbs.create());
            exec(f.admin, "REVOKE SELECT ON app.parent FROM " + f.role);
            return f.constraintStalls();
        });
    }

    /** A hardened database, the operator's role with exactly the printed grants, and the statements to probe. */
    record Fixture(ConnectionInfo admin, ConnectionInfo op, String role, String owner, String other,
            List<String> statements, int version, int otherPid) {
        static Fixture create(ConnectionInfo admin) throws Exception {
            String db = admin.database();
            String role = "op_" + db;
            String owner = "owner_" + db;
            String refOwner = "refowner_" + db;
            String other = "other_" + db;
            exec(admin, "CREATE ROLE " + owner + " NOLOGIN", "CREATE ROLE " + refOwner + " NOLOGIN",
                    "CREATE ROLE " + other + " LOGIN", "GRANT CONNECT ON DATABASE " + db + " TO " + other,
                    "REVOKE CONNECT, TEMPORARY ON DATABASE " + db + " FROM PUBLIC",
                    "REVOKE ALL ON SCHEMA public FROM PUBLIC", "CREATE SCHEMA app",
                    "GRANT USAGE, CREATE ON SCHEMA app TO " + owner + ", " + refOwner,
                    "CREATE EXTENSION amcheck SCHEMA app", "CREATE EXTENSION pgstattuple SCHEMA app",
                    "SET ROLE " + refOwner,
                    "CREATE TABLE app.parent (id int PRIMARY KEY)",
                    "INSERT INTO app.parent SELECT generate_series(1, 10)",
                    "SET ROLE " + owner,
                    "CREATE TABLE app.orders (id int PRIMARY KEY, parent_id int, amount int)",
                    "INSERT INTO app.orders SELECT g, g % 10 + 1, g FROM generate_series(1, 500) g",
                    "CREATE INDEX orders_amount_idx ON app.orders (amount)",
                    "CREATE INDEX orders_drop_idx ON app.orders (id, amount)",
                    "RESET ROLE",
                    "REVOKE CREATE ON SCHEMA app FROM " + owner + ", " + refOwner,
                    // the owner role's USAGE would reach the operator's role through the membership
                    "REVOKE USAGE ON SCHEMA app FROM " + owner);
            Privileges.Plan plan;
            try (Connection c = TestPostgres.connect(admin)) {
                plan = Privileges.plan(new Privileges.Input(role, db, null, FEATURES, List.of("app.orders"),
                        List.of("app.parent"), List.of(), null), c);
            }
            List<String> statements = Privileges.statements(plan);
            exec(admin, statements.toArray(String[]::new));
            ConnectionInfo op = new ConnectionInfo(admin.host(), admin.port(), db, role, null, "disable");
            // another role's session, idle outside a transaction (an open one would hold up CREATE INDEX CONCURRENTLY)
            Connection session = TestPostgres.connect(new ConnectionInfo(admin.host(), admin.port(), db, other, null,
                    "disable"));
            SESSIONS.add(session);
            int pid;
            try (Statement s = session.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            return new Fixture(admin, op, role, owner, other, statements, plan.request().version(), pid);
        }

        /** The constraints the VALIDATE probes validate (not in the engine's scenarios: it would adopt them). */
        Fixture withProbeConstraints() {
            exec(admin, "ALTER TABLE app.orders ADD CONSTRAINT orders_id_ck CHECK (id > 0) NOT VALID",
                    "ALTER TABLE app.orders ADD CONSTRAINT orders_parent_fk0 FOREIGN KEY (parent_id) "
                            + "REFERENCES app.parent (id) NOT VALID");
            return this;
        }

        /** Every statement of the features, by name; each runs on a session of its own, in this order. */
        Map<String, String> probes() {
            Map<String, String> p = new java.util.LinkedHashMap<>();
            p.put("temp", "CREATE TEMP TABLE scratch (LIKE app.orders)");
            p.put("create", "CREATE INDEX CONCURRENTLY orders_probe_idx ON app.orders (parent_id, amount)");
            p.put("comment", "COMMENT ON INDEX app.orders_amount_idx IS 'pgindex-operator probe'");
            p.put("reindex", "REINDEX INDEX CONCURRENTLY app.orders_amount_idx");
            p.put("drop", "DROP INDEX CONCURRENTLY app.orders_drop_idx");
            p.put("check", "ALTER TABLE app.orders ADD CONSTRAINT orders_amount_ck CHECK (amount >= 0) NOT VALID");
            p.put("validate", "ALTER TABLE app.orders VALIDATE CONSTRAINT orders_id_ck");
            p.put("dropCheck", "ALTER TABLE app.orders DROP CONSTRAINT IF EXISTS orders_amount_ck");
            p.put("count", "SELECT count(*) FROM app.orders o WHERE NOT EXISTS (SELECT 1 FROM app.parent p "
                    + "WHERE p.id = o.parent_id)");
            p.put("fk", "ALTER TABLE app.orders ADD CONSTRAINT orders_parent_fk FOREIGN KEY (parent_id) "
                    + "REFERENCES app.parent (id) NOT VALID");
            p.put("validateFk", "ALTER TABLE app.orders VALIDATE CONSTRAINT orders_parent_fk0");
            p.put("dropFk", "ALTER TABLE app.orders DROP CONSTRAINT IF EXISTS orders_parent_fk");
            p.put("amcheck", "SELECT app.bt_index_check('app.orders_amount_idx'::regclass, true)");
            p.put("pgstatindex", "SELECT avg_leaf_density FROM app.pgstatindex('app.orders_amount_idx')");
            p.put("cancel", "SELECT pg_cancel_backend(" + otherPid + ")");
            p.put("blockerQuery", "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_stat_activity WHERE usename = '" + other
                    + "' AND query = '<insufficient privilege>') THEN RAISE EXCEPTION USING ERRCODE = "
                    + "'insufficient_privilege', MESSAGE = 'the blocker''s query is hidden'; END IF; END $$");
            if (version >= 17) {
                p.put("analyze", "ANALYZE app.orders");
            }
            return p;
        }

        void asOpOk(String sql) {
            try (Connection c = TestPostgres.connect(op); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new AssertionError(sql + ": " + e.getSQLState() + " " + e.getMessage(), e);
            }
        }

        /** The probes that fail with 42501 now (each leaves the database as it found it when it succeeds). */
        List<String> failsWith42501(String grant) {
            List<String> failing = new ArrayList<>();
            Map<String, String> probes = probes();
            for (Map.Entry<String, String> e : probes.entrySet()) {
                String sql = e.getValue();
                try (Connection c = TestPostgres.connect(op); Statement s = c.createStatement()) {
                    s.execute(sql);
                } catch (SQLException ex) {
                    if ("42501".equals(ex.getSQLState())) {
                        failing.add(e.getKey());
                    } else {
                        throw new AssertionError("without " + grant + ": " + sql + " failed with " + ex.getSQLState()
                                + " " + ex.getMessage(), ex);
                    }
                }
            }
            // leave the schema as the next grant's probes expect it
            exec(admin, "DROP INDEX IF EXISTS app.orders_probe_idx",
                    "CREATE INDEX IF NOT EXISTS orders_drop_idx ON app.orders (id, amount)",
                    "ALTER TABLE app.orders DROP CONSTRAINT IF EXISTS orders_amount_ck",
                    "ALTER TABLE app.orders DROP CONSTRAINT IF EXISTS orders_parent_fk");
            return failing;
        }

        PostgresIndexSpec index(String name, String... columns) {
            PostgresIndexSpec s = EngineHarness.spec("orders", name, columns);
            s.setSchema("app");
            return s;
        }

        PostgresConstraintSpec foreignKey() {
            PostgresConstraintSpec s = ConstraintHarness.foreignKey("orders", "orders_parent_fk", List.of("parent_id"),
                    "parent", List.of("id"));
            s.setSchema("app");
            s.getForeignKey().getReferences().setSchema("app");
            return s;
        }

        String indexes(String name) {
            return scalar(admin, "SELECT count(*) FROM pg_class WHERE relname LIKE '" + name + "%'");
        }

        String constraintStalls() throws Exception {
            try (ConstraintHarness h = new ConstraintHarness("fk", op, foreignKey())) {
                h.reconcileUntil(ConstraintHarness.is(ConditionType.STALLED, "InsufficientPrivilege"), T);
                assertThat(scalar(admin, "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_parent_fk'"))
                        .as("nothing added").isEqualTo("0");
                return h.reasons();
            }
        }
    }

}
