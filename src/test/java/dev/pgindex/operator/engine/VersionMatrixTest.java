package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.PgVersionServer;
import dev.pgindex.operator.support.VersionMatrix;
import dev.pgindex.operator.support.VersionMatrix.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core scenarios (build to Ready, unique violation to Stalled, adopt an existing index) on several PostgreSQL
 * versions, each an extra embedded server started from the Zonky binaries jar of that version (the build copies them
 * into target/pg-binaries, see the pom's pg-version-matrix), plus the suite's default server. On 14.0 to 14.3 the
 * engine must refuse every scenario with Stalled/UnsupportedServerVersion and a message naming the corruption bug.
 * 18 is the newest major and the one new CloudNativePG clusters start on. A missing jar (a run that skipped the
 * build's generate-test-resources phase, such as an IDE's) skips its version with a message, unless CI=true.
 */
class VersionMatrixTest {
    static final List<String> VERSIONS = List.of("12.22.0", "14.2.0", "15.19.0", "16.15.0", "18.3.0");


    @Test
    void coreScenariosPassOnEachVersionAndTheBroken14xAreRefused() throws Exception {
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        VersionMatrix.onEachServer(VERSIONS, rows, failures,
                (version, port, started) -> runScenarios(version, port, started, rows, failures));
        VersionMatrix.print("VersionMatrixTest", rows);
        assertThat(failures).isEmpty();
    }

    private void runScenarios(String label, int port, double startSeconds, List<Row> rows, List<String> failures) {
        ConnectionInfo first = PgVersionServer.newDatabase(port);
        int num = Integer.parseInt(scalar(first, "SHOW server_version_num"));
        String version = label + (label.contains(" ") ? "" : " (" + scalar(first, "SHOW server_version") + ")");
        if (startSeconds > 0) {
            rows.add(new Row(version, "server start", "ok", String.format("%.1f s", startSeconds)));
        }
        boolean broken14 = num >= 140000 && num < 140004;
        VersionMatrix.scenario(version, broken14 ? "build -> refused" : "build -> Ready", rows, failures, () -> {
            ConnectionInfo db = PgVersionServer.newDatabase(port);
            exec(db, "CREATE TABLE t (id int, a int)", "INSERT INTO t SELECT g, g % 97 FROM generate_series(1, 5000) g");
            try (EngineHarness h = new EngineHarness("build", db, EngineHarness.spec("t", "t_a_idx", "a"))) {
                if (broken14) {
                    return refused(h, db, "t");
                }
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), Duration.ofSeconds(60));
                assertThat(reason(h, ConditionType.READY)).isEqualTo(Reason.IndexReady.name());
                assertThat(scalar(db, "SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = 't_a_idx'::regclass"))
                        .isEqualTo("t");
                return "Ready, index valid, built in " + h.status.getBuild().getDurationSeconds() + " s";
            }
        });
        VersionMatrix.scenario(version, broken14 ? "unique violation -> refused" : "unique violation -> Stalled", rows, failures, () -> {
            ConnectionInfo db = PgVersionServer.newDatabase(port);
            exec(db, "CREATE TABLE u (id int, email text)",
                    "INSERT INTO u SELECT g, 'e' || (g % 50) FROM generate_series(1, 1000) g");
            PostgresIndexSpec spec = EngineHarness.spec("u", "u_email_uniq", "email");
            spec.setUnique(true);
            try (EngineHarness h = new EngineHarness("uniq", db, spec)) {
                if (broken14) {
                    return refused(h, db, "u");
                }
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), Duration.ofSeconds(60));
                assertThat(reason(h, ConditionType.STALLED)).isEqualTo(Reason.UniqueViolation.name());
                String msg = Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage();
                assertThat(msg).isNotBlank();
                return "Stalled/UniqueViolation: " + shorten(msg);
            }
        });
        VersionMatrix.scenario(version, broken14 ? "adopt -> refused" : "adopt -> Ready (adopted)", rows, failures, () -> {
            ConnectionInfo db = PgVersionServer.newDatabase(port);
            exec(db, "CREATE TABLE t (id int, a int)", "INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g",
                    "CREATE INDEX t_a_idx ON t (a)");
            long oid = Long.parseLong(scalar(db, "SELECT 't_a_idx'::regclass::oid"));
            try (EngineHarness h = new EngineHarness("adopt", db, EngineHarness.spec("t", "t_a_idx", "a"))) {
                if (broken14) {
                    String r = refused(h, db, null);
                    assertThat(scalar(db, "SELECT obj_description('t_a_idx'::regclass, 'pg_class')"))
                            .as("the existing index is not marked").isNull();
                    return r;
                }
                h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), Duration.ofSeconds(60));
                assertThat(reason(h, ConditionType.READY)).isEqualTo(Reason.Adopted.name());
                assertThat(h.status.getIndex().getAdopted()).isTrue();
                assertThat(h.status.getIndex().getOid()).as("same index, not rebuilt").isEqualTo(oid);
                assertThat(scalar(db, "SELECT obj_description('t_a_idx'::regclass, 'pg_class')")).contains("adopted=true");
                return "Ready/Adopted, no rebuild (same OID " + h.status.getIndex().getOid() + ")";
            }
        });
    }

    /** On 14.0-14.3: Stalled/UnsupportedServerVersion naming the bug, and no index built on the table. */
    private static String refused(EngineHarness h, ConnectionInfo db, String table) throws Exception {
        h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), Duration.ofSeconds(30));
        assertThat(reason(h, ConditionType.STALLED)).isEqualTo(Reason.UnsupportedServerVersion.name());
        String msg = Conditions.get(h.status, ConditionType.STALLED).orElseThrow().getMessage();
        assertThat(msg).contains("14.2").contains("corrupt").contains("14.4");
        // a second look does not start anything either
        h.reconcile();
        assertThat(Conditions.isTrue(h.status, ConditionType.STALLED)).isTrue();
        if (table != null) {
            assertThat(scalar(db, "SELECT count(*) FROM pg_index WHERE indrelid = '" + table + "'::regclass"))
                    .as("indexes on " + table).isEqualTo("0");
        }
        return "Stalled/UnsupportedServerVersion: " + shorten(msg);
    }



    private static String reason(EngineHarness h, String type) {
        return Conditions.get(h.status, type).orElseThrow().getReason();
    }

    private static String shorten(String s) {
        String t = s.replace('\n', ' ');
        return t.length() > 150 ? t.substring(0, 150) + "..." : t;
    }
}
