package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (embedded binaries from Maven Central; the version is the pom's pg.binaries.version),
 * started once per test JVM, with one fresh database per test so tests never see each other's tables.
 */
public final class TestPostgres {
    private static EmbeddedPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("log_lock_waits", "on")
                        .setServerConfig("deadlock_timeout", "500ms")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** Creates a new empty database and returns how to reach it. */
    public static ConnectionInfo newDatabase() {
        return newDatabase(server());
    }

    public static ConnectionInfo newDatabase(EmbeddedPostgres on) {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(on.getJdbcUrl("postgres", "postgres"));
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new ConnectionInfo("localhost", on.getPort(), name, "postgres", "postgres", "disable");
    }

    /**
     * A PostgreSQL server of its own (not the shared one) that a test may stop and start again on the same port and
     * data directory: a fast shutdown (SIGINT to the postmaster: every session is terminated and in-flight
     * transactions roll back), then the postmaster is started again with its original command line.
     */
    public static final class Restartable implements AutoCloseable {
        private final EmbeddedPostgres pg;
        private final List<String> command;
        private final java.nio.file.Path dataDir;
        private Process restarted;

        public Restartable() {
            try {
                pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "100")
                        .setServerConfig("fsync", "off").start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
                    Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW data_directory")) {
                rs.next();
                dataDir = java.nio.file.Path.of(rs.getString(1));
                long pid = postmasterPid();
                command = List.of(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/cmdline"))
                        .split("\0"));
            } catch (SQLException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public ConnectionInfo newDatabase() {
            return TestPostgres.newDatabase(pg);
        }

        private long postmasterPid() throws IOException {
            return Long.parseLong(java.nio.file.Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        }

        /** Fast shutdown; returns once the postmaster has exited. */
        public void stopFast() {
            try {
                long pid = postmasterPid();
                new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Starts the postmaster again and waits until it accepts connections. */
        public void start() {
            try {
                // as root, zonky runs PostgreSQL in a user namespace of its own (PostgreSQL refuses to run as root)
                List<String> cmd = new ArrayList<>();
                if ("root".equals(ProcessHandle.current().info().user().orElse(""))) {
                    cmd.addAll(List.of("unshare", "-U"));
                }
                cmd.addAll(command);
                restarted = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName()
                                + "-restarted.log").toFile())).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"))) {
                    return;
                } catch (SQLException e) {
                    if (!restarted.isAlive() || System.nanoTime() > end) {
                        throw new IllegalStateException("PostgreSQL did not come back: " + e.getMessage(), e);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            pg.close();
            if (restarted != null) {
                restarted.destroy();
            }
        }
    }

    public static Connection connect(ConnectionInfo info) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + info.port() + "/"
                + info.database(), info.user(), info.password());
        c.setAutoCommit(true);
        return c;
    }

    public static void exec(ConnectionInfo info, String... sql) {
        try (Connection c = connect(info); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement that is expected to fail; true when it did. */
    public static boolean execFails(ConnectionInfo info, String sql) {
        try (Connection c = connect(info); Statement s = c.createStatement()) {
            s.execute(sql);
            return false;
        } catch (SQLException e) {
            return true;
        }
    }

    public static List<List<String>> query(ConnectionInfo info, String sql) {
        try (Connection c = connect(info); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String scalar(ConnectionInfo info, String sql) {
        List<List<String>> rows = query(info, sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /** A session with an open transaction that has run one statement (a blocker for concurrent builds). */
    public record OpenTransaction(Connection connection, int pid) implements AutoCloseable {
        public void commit() throws SQLException {
            connection.commit();
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    public static OpenTransaction openTransaction(ConnectionInfo info, String applicationName, String sql)
            throws SQLException {
        Connection c = connect(info);
        try (Statement s = c.createStatement()) {
            s.execute("SET application_name = " + dev.pgindex.operator.postgres.Quoting.literal(applicationName));
            int pid;
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            c.setAutoCommit(false);
            s.execute(sql);
            return new OpenTransaction(c, pid);
        }
    }
}
