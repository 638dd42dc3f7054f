package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.BlockerAction;
import dev.pgindex.operator.api.v1alpha1.BlockingSessionsPolicy;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.openTransaction;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * spec.blockingSessions on a real PostgreSQL, with two idle transactions that block one build one after the
 * other: "nightly-report" holds SHARE UPDATE EXCLUSIVE on the table (the build's first lock waits for it), "psql"
 * holds an uncommitted UPDATE (the build's wait for older writers waits for it). Terminate with applicationNames
 * [nightly-report] ends the first after the grace period, with its event, and leaves the second alone, named as
 * the blocker; Report ends nothing.
 */
class BlockingSessionsTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration GRACE = Duration.ofSeconds(2);
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20000) g");
    }

    static PostgresIndexSpec spec(BlockerAction action) {
        PostgresIndexSpec spec = EngineHarness.spec("users", "users_email_idx", "email");
        BlockingSessionsPolicy p = new BlockingSessionsPolicy();
        p.setAction(action);
        p.setGracePeriod(GRACE.toSeconds() + "s");
        p.setApplicationNames(new ArrayList<>(List.of("nightly-report")));
        spec.setBlockingSessions(p);
        return spec;
    }

    boolean alive(int pid) {
        return "1".equals(scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid));
    }

    @Test
    void shouldTerminateOnlyTheMatchingBlockerAfterItsGracePeriod() throws Exception {
        try (var writer = openTransaction(db, "psql", "UPDATE users SET email = email WHERE id = 1");
                var report = openTransaction(db, "nightly-report", "LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE");
                EngineHarness h = new EngineHarness("users-email", db, spec(BlockerAction.Terminate))) {
            h.reconcileUntil(s -> s.getBlockedBy() != null && s.getBlockedBy().startsWith("pid " + report.pid()), WAIT);
            Instant blockedAt = Instant.now();
            assertThat(alive(report.pid())).as("not before the grace period").isTrue();

            h.reconcileUntil(s -> s.getBlockedBy() != null && s.getBlockedBy().startsWith("pid " + writer.pid()), WAIT);
            Duration took = Duration.between(blockedAt, Instant.now());
            System.out.println("matching blocker ended after " + took.toMillis() + "ms; events: " + h.events);
            // status.blockedSince is kept to the second, so the grace period counts from up to 1s before we saw it
            assertThat(took).as("ended only after the grace period").isGreaterThanOrEqualTo(GRACE.minusSeconds(1));
            assertThat(alive(report.pid())).as("the matching idle transaction was terminated").isFalse();
            assertThat(h.events).filteredOn(e -> e.startsWith("Normal BlockingSessionTerminated")).singleElement()
                    .asString().contains("terminated pid " + report.pid() + " (role postgres, application "
                            + "'nightly-report', idle in transaction", "its query: LOCK TABLE users IN SHARE UPDATE "
                            + "EXCLUSIVE MODE");

            // the other one blocks this build too, but matches no entry: untouched, and named
            Thread.sleep(GRACE.toMillis() + 500);
            h.reconcile();
            assertThat(alive(writer.pid())).isTrue();
            assertThat(scalar(db, "SELECT state FROM pg_stat_activity WHERE pid = " + writer.pid()))
                    .isEqualTo("idle in transaction");
            assertThat(h.status.getBlockedBy()).startsWith("pid " + writer.pid() + " (idle in transaction");
            assertThat(h.events).filteredOn(e -> e.contains("BlockingSession")).hasSize(1);

            writer.commit();
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
        }
    }

    /**
     * Our build found in the catalog after a restart (RunningBuildStep) waits for an old writer: the policy reaches
     * it too. (A build that still waits for its very first lock after a restart has no catalog entry yet and is
     * reported without the policy.)
     */
    @Test
    void shouldApplyThePolicyToOurBuildAfterAnOperatorRestart() throws Exception {
        try (var report = openTransaction(db, "nightly-report", "UPDATE users SET email = email WHERE id = 1");
                EngineHarness h = new EngineHarness("users-email", db, spec(BlockerAction.Terminate))) {
            h.reconcileUntil(s -> s.getBlockedBy() != null && s.getBlockedBy().startsWith("pid " + report.pid()), WAIT);
            h.restartOperator(); // the build keeps running in PostgreSQL; the new engine finds it in the catalog
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
            assertThat(alive(report.pid())).isFalse();
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal BlockingSessionTerminated: terminated pid "
                    + report.pid()));
        }
    }

    /**
     * A role that is no superuser, without pg_signal_backend or pg_read_all_stats, blocked by another role's
     * session: it may neither see that session's query nor end it, and both messages name the grant and the role.
     */
    @Test
    void shouldNameTheRoleInTheGrantsItLacks() throws Exception {
        exec(db, "CREATE ROLE \"blocking-op\" LOGIN PASSWORD 'op'", "CREATE ROLE reporter LOGIN PASSWORD 'rep'",
                "ALTER TABLE users OWNER TO \"blocking-op\"", "GRANT CREATE ON SCHEMA public TO \"blocking-op\"",
                "GRANT UPDATE ON users TO reporter");
        ConnectionInfo asOp = new ConnectionInfo(db.host(), db.port(), db.database(), "blocking-op", "op", "disable");
        ConnectionInfo asReporter = new ConnectionInfo(db.host(), db.port(), db.database(), "reporter", "rep",
                "disable");
        try (var report = openTransaction(asReporter, "nightly-report", "LOCK TABLE users IN SHARE UPDATE "
                + "EXCLUSIVE MODE");
                EngineHarness h = new EngineHarness("users-email", asOp, spec(BlockerAction.Terminate))) {
            h.reconcileUntil(s -> s.getGuards() != null && s.getGuards().getBlockingSessions() != null, WAIT);
            System.out.println("blocked by: " + h.status.getBlockedBy() + " / " + h.status.getGuards()
                    .getBlockingSessions());
            assertThat(h.status.getBlockedBy()).startsWith("pid " + report.pid()).endsWith("[grant "
                    + "pg_read_all_stats to the operator's role \"blocking-op\" to see other sessions' queries]");
            assertThat(h.status.getGuards().getBlockingSessions()).contains("could not terminate pid " + report.pid(),
                    "; grant pg_signal_backend to the operator's role \"blocking-op\"");
            assertThat(alive(report.pid())).isTrue();
            report.commit();
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
        }
    }

    @Test
    void shouldEndNothingInReportMode() throws Exception {
        try (var writer = openTransaction(db, "psql", "UPDATE users SET email = email WHERE id = 1");
                var report = openTransaction(db, "nightly-report", "LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE");
                EngineHarness h = new EngineHarness("users-email", db, spec(BlockerAction.Report))) {
            h.reconcileUntil(s -> s.getBlockedBy() != null && s.getBlockedBy().startsWith("pid " + report.pid()), WAIT);
            Instant until = Instant.now().plus(GRACE.multipliedBy(2));
            while (Instant.now().isBefore(until)) {
                h.reconcile();
                Thread.sleep(100);
            }
            assertThat(alive(report.pid())).isTrue();
            assertThat(alive(writer.pid())).isTrue();
            assertThat(h.status.getBlockedBy()).startsWith("pid " + report.pid());
            assertThat(h.events).noneMatch(e -> e.contains("BlockingSession"));
            report.commit();
            writer.commit();
            h.reconcileUntil(s -> Conditions.isTrue(s, ConditionType.READY), WAIT);
        }
    }
}
