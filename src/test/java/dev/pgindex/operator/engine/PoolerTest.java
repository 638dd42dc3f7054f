package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.PgBouncer;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pooler guard against a real PgBouncer (Debian's package): transaction mode is refused before any build,
 * session mode builds. The probe and the rows of PoolerGateDecisionTest are what this proves on real parts.
 */
class PoolerTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20000) g");
    }

    @Test
    void shouldRefuseToBuildThroughATransactionModePgBouncer() throws Exception {
        try (PgBouncer bouncer = new PgBouncer(db, "transaction");
                EngineHarness h = new EngineHarness("users-email", bouncer.connection(),
                        EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), WAIT);

            var stalled = Conditions.get(h.status, ConditionType.STALLED).orElseThrow();
            assertThat(stalled.getReason()).isEqualTo(Reason.PoolerNotSupported.name());
            assertThat(stalled.getMessage()).contains("the connection is not one stable PostgreSQL session",
                    "Point the Secret at the database itself (for CloudNativePG, the -rw service, not the Pooler)");
            assertThat(h.events).anyMatch(e -> e.startsWith("Warning PoolerNotSupported"));
            assertThat(h.status.getBuild()).as("no build was started").isNull();
            assertThat(h.status.getAttempts()).as("no attempt spent").isNull();
            assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname = 'users_email_idx'")).isEqualTo("0");
            System.out.println("transaction mode: " + stalled.getMessage());

            // pointed at the database itself, the same resource builds
            h.connection = db;
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass"))
                    .isEqualTo("t");
        }
    }

    /**
     * Issue 24: two resources on one table behind a transaction pooler. The definition check's scratch statements
     * (and pgjdbc's named prepared statements) went through the pooler before the probe, and each re-check flipped
     * between PoolerNotSupported, InvalidDefinition ("prepared statement S_1 already exists") and
     * DatabaseUnreachable, with a Warning at every flip and no backoff. The probe now comes first.
     */
    @Test
    void shouldStayPoolerNotSupportedWithOneEventAndTheBackoffAcrossRechecks() throws Exception {
        int rechecks = 8;
        try (PgBouncer bouncer = new PgBouncer(db, "transaction");
                EngineHarness a = new EngineHarness("users-email", bouncer.connection(),
                        EngineHarness.spec("users", "users_email_idx", "email"));
                EngineHarness b = new EngineHarness("users-id-email", bouncer.connection(),
                        EngineHarness.spec("users", "users_id_email_idx", "id", "email"), a)) {
            java.util.List<String> seen = new java.util.ArrayList<>();
            java.util.List<Duration> requeues = new java.util.ArrayList<>();
            for (int i = 0; i < rechecks; i++) {
                for (EngineHarness h : java.util.List.of(a, b)) {
                    var o = h.reconcile();
                    var stalled = Conditions.get(h.status, ConditionType.STALLED).orElseThrow();
                    seen.add(h.name + " " + stalled.getStatus() + "/" + stalled.getReason() + (stalled.getReason().equals("PoolerNotSupported") ? "" : ": " + stalled.getMessage()));
                    if (h == a) {
                        requeues.add(o.requeueAfter());
                    }
                }
            }
            assertThat(seen).as("every re-check of both resources").allMatch(s -> s.endsWith(" True/PoolerNotSupported"));
            for (EngineHarness h : java.util.List.of(a, b)) {
                assertThat(h.events).as(h.name + ": one Warning, not one per flip").hasSize(1)
                        .allMatch(e -> e.startsWith("Warning PoolerNotSupported"));
                assertThat(h.status.getLastError().getOccurrences()).isEqualTo(rechecks);
                assertThat(h.status.getBuild()).isNull();
            }
            // the permanent backoff doubles from its base to its maximum (EngineHarness.FAST: 300 ms to 1 s)
            assertThat(requeues).containsExactly(Duration.ofMillis(300), Duration.ofMillis(600),
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Duration.ofSeconds(1), Duration.ofSeconds(1));
            assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'users_%_idx'")).isEqualTo("0");
            System.out.println("transaction mode, " + rechecks + " re-checks each: " + a.events);
        }
    }

    /** A statement-mode pool refuses the probe's transaction block: found by the probe before any catalog read. */
    @Test
    void shouldRefuseAStatementModePgBouncerAsAPooler() throws Exception {
        try (PgBouncer bouncer = new PgBouncer(db, "statement");
                EngineHarness h = new EngineHarness("users-email", bouncer.connection(),
                        EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.STALLED), WAIT);

            var stalled = Conditions.get(h.status, ConditionType.STALLED).orElseThrow();
            assertThat(stalled.getReason()).isEqualTo(Reason.PoolerNotSupported.name());
            assertThat(stalled.getMessage()).contains("a transaction block was refused");
            assertThat(h.events).hasSize(1);
            assertThat(scalar(db, "SELECT count(*) FROM pg_class WHERE relname = 'users_email_idx'")).isEqualTo("0");
        }
    }

    @Test
    void shouldBuildThroughASessionModePgBouncer() throws Exception {
        try (PgBouncer bouncer = new PgBouncer(db, "session");
                EngineHarness h = new EngineHarness("users-email", bouncer.connection(),
                        EngineHarness.spec("users", "users_email_idx", "email"))) {
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);

            assertThat(h.events).noneMatch(e -> e.contains("PoolerNotSupported"));
            assertThat(h.status.getAttempts()).isEqualTo(1);
            assertThat(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass"))
                    .isEqualTo("t");
        }
    }
}
