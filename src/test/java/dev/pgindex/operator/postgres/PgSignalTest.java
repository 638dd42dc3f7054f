package dev.pgindex.operator.postgres;

import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Statement;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.openTransaction;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What spec.blockingSessions relies on, pinned on a real PostgreSQL (docs/guards.md): a cancel does
 * nothing to an idle transaction, a terminate ends it, and who may signal whom.
 */
class PgSignalTest {
    ConnectionInfo db;

    @BeforeEach
    void createTable() {
        db = TestPostgres.newDatabase();
        exec(db, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 10)");
    }

    Session operatorSession(ConnectionInfo as) throws DatabaseException {
        return Session.open(new Databases(5, 30), as);
    }

    @Test
    void cancelDoesNothingToAnIdleTransactionAndTerminateEndsIt() throws Exception {
        try (var idle = openTransaction(db, "nightly-report", "UPDATE t SET id = id WHERE id = 1");
                Session s = operatorSession(db)) {
            assertThat(s.endSession(idle.pid(), false)).as("pg_cancel_backend reports the signal as sent").isTrue();
            Thread.sleep(500);
            assertThat(scalar(db, "SELECT state FROM pg_stat_activity WHERE pid = " + idle.pid()))
                    .as("still idle in transaction").isEqualTo("idle in transaction");
            assertThat(scalar(db, "SELECT count(*) FROM pg_locks WHERE pid = " + idle.pid() + " AND granted AND "
                    + "relation = 't'::regclass")).as("still holding its lock").isEqualTo("1");
            try (Statement st = idle.connection().createStatement()) {
                st.execute("SELECT 1"); // the cancel was dropped, not kept for its next statement
                idle.commit();
            }

            try (var again = openTransaction(db, "nightly-report", "UPDATE t SET id = id WHERE id = 1")) {
                assertThat(s.endSession(again.pid(), true)).isTrue();
                Thread.sleep(300);
                assertThat(scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + again.pid())).isEqualTo("0");
                assertThat(scalar(db, "SELECT count(*) FROM pg_locks WHERE pid = " + again.pid())).isEqualTo("0");
            }
            assertThat(s.endSession(999_999, true)).as("a pid that is no backend: false, no error").isFalse();
        }
    }

    @Test
    void signallingAnotherRolesSessionNeedsPgSignalBackendAndNeverReachesASuperuser() throws Exception {
        exec(db, "CREATE ROLE op LOGIN PASSWORD 'op'", "CREATE ROLE app LOGIN PASSWORD 'app'",
                "GRANT ALL ON t TO app");
        ConnectionInfo asOp = new ConnectionInfo(db.host(), db.port(), db.database(), "op", "op", "disable");
        ConnectionInfo asApp = new ConnectionInfo(db.host(), db.port(), db.database(), "app", "app", "disable");
        try (var appTx = openTransaction(asApp, "app", "UPDATE t SET id = id WHERE id = 1");
                var superTx = openTransaction(db, "admin", "UPDATE t SET id = id WHERE id = 2");
                Session op = operatorSession(asOp)) {
            assertThatThrownBy(() -> op.endSession(appTx.pid(), true)).isInstanceOf(DatabaseException.class)
                    .satisfies(e -> {
                        SqlErrors.Failure f = ((DatabaseException) e).failure();
                        assertThat(f.kind()).isEqualTo(ErrorKind.InsufficientPrivilege);
                        assertThat(f.sqlState()).isEqualTo("42501");
                        System.out.println("without pg_signal_backend: " + f.message());
                    });
            exec(db, "GRANT pg_signal_backend TO op");
            try (Session granted = operatorSession(asOp)) {
                assertThatThrownBy(() -> granted.endSession(superTx.pid(), true))
                        .as("a superuser's session stays out of reach").isInstanceOf(DatabaseException.class);
                assertThat(granted.endSession(appTx.pid(), true)).isTrue();
            }
        }
    }
}
