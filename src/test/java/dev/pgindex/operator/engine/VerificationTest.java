package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.CorruptionPolicy;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.VerificationStatus;
import dev.pgindex.operator.decide.VerificationDecisionTest;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.DebianPostgres;
import dev.pgindex.operator.support.EngineHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.pgindex.operator.engine.IndexLifecycleTest.reason;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Verification with amcheck on Debian's PostgreSQL 15 (contrib, ICU). Corruption is made honestly: an index on text
 * under an ICU collation of its own, whose definition a superuser then changes to numeric ordering
 * (en-u-kn-true), so "item10" now sorts after "item9" while the index still holds the old order.
 */
class VerificationTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final DebianPostgres pg = DebianPostgres.shared();

    static PostgresIndexSpec spec(CorruptionPolicy onCorruption) {
        PostgresIndexSpec s = EngineHarness.spec("t", "t_name_idx", "name");
        VerificationDecisionTest.verify(s, onCorruption);
        return s;
    }

    static VerificationStatus verification(PostgresIndexStatus s) {
        return s.getHealth() == null ? null : s.getHealth().getVerification();
    }

    static boolean verified(PostgresIndexStatus s, String result) {
        VerificationStatus v = verification(s);
        return v != null && result.equals(v.getResult()) && s.getIndex() != null
                && s.getIndex().getOid().equals(v.getIndexOid());
    }

    @Test
    void aBuildIsVerifiedAndACorruptIndexIsReportedThenRebuiltOnline() throws Exception {
        ConnectionInfo db = pg.newDatabase("");
        exec(db, "CREATE EXTENSION amcheck",
                "CREATE COLLATION test_icu (provider = icu, locale = 'en')",
                "CREATE TABLE t (id int PRIMARY KEY, name text COLLATE test_icu)",
                "INSERT INTO t SELECT g, 'item' || g FROM generate_series(1, 20000) g");
        try (EngineHarness h = new EngineHarness("t-name", db, spec(CorruptionPolicy.Report))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && verified(s, "Passed"), WAIT);
            VerificationStatus passed = verification(h.status);
            System.out.println("after the build: " + passed.getResult() + " in " + passed.getDurationSeconds()
                    + " s: " + passed.getStatement());
            assertThat(passed.getStatement()).isEqualTo("SELECT \"public\".bt_index_check(" + h.status.getIndex()
                    .getOid() + "::pg_catalog.oid::pg_catalog.regclass, true)");
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal Verifying: started amcheck's bt_index_check of "
                    + "public.t_name_idx"));

            // the collation's definition changes under the index: its order no longer matches the collation's
            exec(db, "UPDATE pg_collation SET colliculocale = 'en-u-kn-true' WHERE collname = 'test_icu'");
            String oidBefore = scalar(db, "SELECT 't_name_idx'::regclass::oid");
            h.spec.getHealth().getVerify().setInterval("1s"); // the next verification is due at once
            h.generation = 2;
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), WAIT);
            VerificationStatus failed = verification(h.status);
            System.out.println("after the collation changed: " + reason(h.status, ConditionType.STALLED) + ": "
                    + failed.getMessage());
            assertThat(reason(h.status, ConditionType.STALLED)).isEqualTo("VerificationFailed");
            assertThat(failed.getResult()).isEqualTo("Failed");
            assertThat(failed.getMessage()).contains("t_name_idx");
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning VerificationFailed: amcheck found index "
                    + "public.t_name_idx corrupt"));
            assertThat(scalar(db, "SELECT 't_name_idx'::regclass::oid")).as("Report rebuilds nothing")
                    .isEqualTo(oidBefore);

            // onCorruption: Rebuild -> REINDEX CONCURRENTLY, and the new index verified again
            h.spec.getHealth().setOnCorruption(CorruptionPolicy.Rebuild);
            h.spec.getHealth().getVerify().setInterval("168h");
            h.generation = 3;
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && verified(s, "Passed"), WAIT);
            assertThat(scalar(db, "SELECT 't_name_idx'::regclass::oid")).isNotEqualTo(oidBefore);
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal Rebuilding: started REINDEX INDEX CONCURRENTLY "
                    + "public.t_name_idx after amcheck found it corrupt"));
            System.out.println("after the rebuild: " + verification(h.status).getResult());
        }
    }

    @Test
    void withoutAmcheckTheStatusSaysSoAndTheIndexIsReady() throws Exception {
        ConnectionInfo db = pg.newDatabase("");
        exec(db, "CREATE TABLE t (id int PRIMARY KEY, name text)",
                "INSERT INTO t SELECT g, 'item' || g FROM generate_series(1, 100) g");
        try (EngineHarness h = new EngineHarness("t-name", db, spec(CorruptionPolicy.Report))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && verified(s, "Skipped"), WAIT);
            assertThat(verification(h.status).getMessage()).contains("amcheck extension is not installed");
            assertThat(scalar(db, "SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'")).isEqualTo("0");
        }
    }

    /**
     * The Skipped message's advice, followed by the book for a role that is not a superuser: amcheck is not a
     * trusted extension, so even the database's owner may not create it; once a superuser has, the GRANT the
     * message names is all the role needs.
     */
    @Test
    void theAdviceOfTheSkippedMessageWorksForARoleThatIsNotASuperuser() throws Exception {
        ConnectionInfo admin = pg.newDatabase("");
        exec(admin, "CREATE ROLE verifier LOGIN", "ALTER DATABASE " + admin.database() + " OWNER TO verifier");
        ConnectionInfo db = new ConnectionInfo(admin.host(), admin.port(), admin.database(), "verifier", null,
                "disable");
        exec(db, "CREATE TABLE t (id int PRIMARY KEY, name text)",
                "INSERT INTO t SELECT g, 'item' || g FROM generate_series(1, 100) g");
        try (EngineHarness h = new EngineHarness("t-name", db, spec(CorruptionPolicy.Report))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY) && verified(s, "Skipped"), WAIT);
            String advice = verification(h.status).getMessage();
            System.out.println("without amcheck: " + advice);
            assertThat(advice).contains("a superuser runs CREATE EXTENSION amcheck",
                    "GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO verifier)");
            String grant = advice.substring(advice.indexOf("GRANT EXECUTE"), advice.indexOf(");"));

            // the database's owner may not create it (no "trusted = true" in amcheck.control)
            assertThatThrownBy(() -> exec(db, "CREATE EXTENSION amcheck")).hasMessageContaining(
                    "permission denied to create extension \"amcheck\"");

            // installed but not granted: Error, naming the role
            exec(admin, "CREATE EXTENSION amcheck");
            h.spec.getHealth().getVerify().setInterval("1s"); // the next verification is due at once
            h.generation = 2;
            h.reconcileUntil(s -> verified(s, "Error"), WAIT);
            System.out.println("without the grant: " + verification(h.status).getMessage());
            assertThat(verification(h.status).getMessage()).contains("SQLSTATE 42501",
                    "grant EXECUTE on bt_index_check(regclass, boolean) to the operator's role verifier");

            exec(admin, grant); // the message's own GRANT, word for word
            h.reconcileUntil(s -> verified(s, "Passed"), WAIT);
            assertThat(Conditions.isTrue(h.status, ConditionType.READY)).isTrue();
        }
    }
}
