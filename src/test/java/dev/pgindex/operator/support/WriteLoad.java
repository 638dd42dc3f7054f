package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A write load for tests of online work: one session running {@code statement} (with {@code ?n} replaced by a
 * counter) every 5 ms until closed. Every failure is recorded; a test asserts there were none.
 */
public final class WriteLoad implements AutoCloseable {
    private final ConnectionInfo db;
    private final String statement;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acked = new AtomicLong();
    public final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    public WriteLoad(ConnectionInfo db, String statement) {
        this.db = db;
        this.statement = statement;
        this.thread = new Thread(this::run, "write-load");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running.get()) {
            try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
                while (running.get()) {
                    s.execute(statement.replace("?n", Long.toString(acked.get() + 1)));
                    acked.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (SQLException e) {
                failures.add(e.getSQLState() + " " + e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Statements acknowledged so far. */
    public long acked() {
        return acked.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
