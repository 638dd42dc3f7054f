package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server from Debian's binaries (PostgreSQL 15 with contrib and ICU by default, PGINDEX_PG_BIN to
 * change; {@link StreamingStandby#BIN}), for what the embedded binaries lack: ICU collations, amcheck, pgstattuple.
 * On a free port, trust authentication on 127.0.0.1, in a user namespace of its own when run as root.
 */
public final class DebianPostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final Path dir;
    public final int port;
    private final Process server;

    public DebianPostgres() {
        try {
            dir = Files.createTempDirectory("debianpg");
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path data = dir.resolve("data");
            Process init = new ProcessBuilder(asServerUser(List.of(StreamingStandby.BIN.resolve("initdb").toString(),
                    "-D", data.toString(), "-U", "postgres", "--auth=trust", "--locale=C.UTF-8", "-E", "UTF8")))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("initdb.log").toFile()).start();
            if (init.waitFor() != 0) {
                throw new IllegalStateException("initdb failed: " + Files.readString(dir.resolve("initdb.log")));
            }
            server = new ProcessBuilder(asServerUser(List.of(StreamingStandby.BIN.resolve("postgres").toString(),
                    "-D", data.toString(), "-p", Integer.toString(port), "-c", "listen_addresses=localhost",
                    "-c", "unix_socket_directories=" + dir, "-c", "fsync=off", "-c", "max_connections=100")))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
            long end = System.nanoTime() + 30_000_000_000L;
            while (true) {
                try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "")) {
                    break;
                } catch (SQLException e) {
                    if (System.nanoTime() > end) {
                        throw new IllegalStateException("PostgreSQL did not start: "
                                + Files.readString(dir.resolve("server.log")), e);
                    }
                    Thread.sleep(100);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
    }

    private static DebianPostgres shared;

    /** One server for every test class of this JVM that needs these binaries, stopped when the JVM exits. */
    public static synchronized DebianPostgres shared() {
        if (shared == null) {
            shared = new DebianPostgres();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** The command, run as an unprivileged user of a namespace of its own when we are root (PostgreSQL refuses root). */
    static List<String> asServerUser(List<String> cmd) {
        List<String> out = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            out.addAll(List.of("unshare", "-U"));
        }
        out.addAll(cmd);
        return out;
    }

    /** A new database; {@code options} go after CREATE DATABASE name (for example an ICU default locale). */
    public ConnectionInfo newDatabase(String options) {
        String name = "d" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " " + options);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new ConnectionInfo("127.0.0.1", port, name, "postgres", null, "disable");
    }

    @Override
    public void close() {
        server.destroy(); // SIGTERM: smart shutdown
        try {
            server.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
