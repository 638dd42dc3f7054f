package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the long statements (CREATE INDEX CONCURRENTLY, REINDEX and DROP INDEX CONCURRENTLY, amcheck, pgstatindex)
 * off the reconcile thread, each on its own autocommit connection that carries exactly one statement. Two steps, so
 * the caller can record intent in between: {@link #prepare} connects, learns the backend pid and takes the build
 * slot; {@link #launch} sends the statement. {@code K} is the caller's kind of job, carried along and never read.
 */
public final class IndexBuilder<K> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IndexBuilder.class.getName());

    /** A connection holding the slot, ready to run one statement; {@code role}: its current_user, quoted. */
    public record Prepared<K>(String owner, K kind, Connection connection, int pid, String role) {
    }

    /** The outcome of one job: success, or a classified failure; {@code output}: the first value it returned. */
    public record Result(boolean success, SqlErrors.Failure failure, Instant finishedAt, String output) {
        public Result(boolean success, SqlErrors.Failure failure, Instant finishedAt) {
            this(success, failure, finishedAt, null);
        }
    }

    /** A job in flight; {@code role}: the session's current_user, quoted as SQL spells it (a grant names it). */
    public record Job<K>(String owner, K kind, int pid, String role, Instant startedAt, String sql,
            CompletableFuture<Result> result) {
        public boolean done() {
            return result.isDone();
        }

        public Duration elapsed() {
            return Duration.between(startedAt, Instant.now());
        }
    }

    private final Databases databases;
    private final ExecutorService executor;
    private final Map<String, Job<K>> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public IndexBuilder(Databases databases) {
        this.databases = databases;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pgindex-builder-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the dedicated connection and takes the table lock and a database slot. Empty when another build holds
     * them (the connection is closed again); the caller retries later.
     */
    public Optional<Prepared<K>> prepare(ConnectionInfo info, String owner, K kind, long tableOid,
            int slotsPerDatabase, long statementTimeoutMillis) throws DatabaseException {
        return prepare(info, owner, kind, tableOid, slotsPerDatabase, statementTimeoutMillis, Map.of());
    }

    /**
     * As above, with settings of the builder session (spec.buildSettings), each set with set_config and bind
     * parameters before the slot is taken; a value the server refuses fails here, before anything was sent.
     */
    public Optional<Prepared<K>> prepare(ConnectionInfo info, String owner, K kind, long tableOid,
            int slotsPerDatabase, long statementTimeoutMillis, Map<String, String> sessionSettings)
            throws DatabaseException {
        Connection c;
        try {
            c = databases.builder(info, owner, statementTimeoutMillis);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
        try {
            int pid;
            String role;
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid(), "
                    + "pg_catalog.quote_ident(current_user)")) {
                rs.next();
                pid = rs.getInt(1);
                role = rs.getString(2);
            }
            for (Map.Entry<String, String> e : sessionSettings.entrySet()) {
                try (var ps = c.prepareStatement("SELECT pg_catalog.set_config(?, ?, false)")) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.execute();
                }
            }
            if (Catalog.buildOnTable(c, tableOid).isPresent()
                    || !BuildSlots.tryAcquire(c, tableOid, slotsPerDatabase)) {
                c.close();
                return Optional.empty();
            }
            return Optional.of(new Prepared<>(owner, kind, c, pid, role));
        } catch (SQLException e) {
            closeQuietly(c);
            throw DatabaseException.of(e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Sends the statement on the prepared connection in the background. After a successful build, the optional
     * follow-up (the ownership COMMENT) runs on the same connection. {@code onDone} runs when the job ends.
     */
    public Job<K> launch(Prepared<K> p, String sql, String followUp, Consumer<Job<K>> onDone) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        Job<K> job = new Job<>(p.owner(), p.kind(), p.pid(), p.role(), Instant.now(), sql, future);
        jobs.put(p.owner(), job);
        executor.execute(() -> {
            Result result;
            String output = null;
            try (Connection c = p.connection(); Statement s = c.createStatement()) {
                if (s.execute(sql)) {
                    try (var rs = s.getResultSet()) {
                        output = rs.next() ? rs.getString(1) : null;
                    }
                }
                if (followUp != null && !closed) {
                    try {
                        s.execute(Timeouts.lockTimeout(false, Timeouts.FOLLOW_UP_LOCK));
                        s.execute(followUp);
                    } catch (SQLException e) {
                        LOG.log(Level.WARNING, "follow-up after " + p.kind() + " failed for " + p.owner()
                                + "; it will be redone on the next reconcile: " + e.getMessage());
                    }
                }
                result = new Result(true, null, Instant.now(), output);
            } catch (SQLException e) {
                result = new Result(false, SqlErrors.classify(e, p.role()), Instant.now());
            } catch (RuntimeException e) {
                result = new Result(false, new SqlErrors.Failure(ErrorKind.BuildFailed, null, String.valueOf(e)),
                        Instant.now());
            }
            if (closed) {
                return; // a stopped operator records nothing; the next one re-reads the catalog
            }
            future.complete(result);
            if (onDone != null) {
                try {
                    onDone.accept(job);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "onDone callback failed", e);
                }
            }
        });
        return job;
    }

    /** Releases a prepared connection that will not be used (for example when recording intent failed). */
    public void abandon(Prepared<K> p) {
        closeQuietly(p.connection());
    }

    public Optional<Job<K>> job(String owner) {
        return Optional.ofNullable(jobs.get(owner));
    }

    /** Forgets a finished job once its result has been recorded. */
    public void forget(String owner, Job<K> job) {
        jobs.remove(owner, job);
    }

    public int inFlight() {
        return (int) jobs.values().stream().filter(j -> !j.done()).count();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }

    /**
     * Stops taking work. Statements already sent keep running in PostgreSQL (as they would if the process died);
     * nothing further is sent or recorded for them, and the next operator picks them up from the catalog.
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
    }
}
