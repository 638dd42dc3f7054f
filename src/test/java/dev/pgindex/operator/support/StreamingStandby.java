package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A primary and a real streaming standby made from it with pg_basebackup, both from the same PostgreSQL binaries
 * (Debian's PostgreSQL 15 by default, PGINDEX_PG_BIN to change), on free ports, trust authentication on
 * 127.0.0.1. As root the servers run in a user namespace of their own (PostgreSQL refuses to run as root), as
 * zonky does for the embedded one.
 */
public final class StreamingStandby implements AutoCloseable {
    public static final Path BIN = Path.of(System.getenv().getOrDefault("PGINDEX_PG_BIN", "/usr/lib/postgresql/15/bin"));

    private final Path dir;
    public final int primaryPort;
    public final int standbyPort;
    private final List<Process> servers = new ArrayList<>();

    public StreamingStandby() {
        try {
            dir = Files.createTempDirectory("standby");
            primaryPort = freePort();
            standbyPort = freePort();
            Path primary = dir.resolve("primary");
            run(List.of(BIN.resolve("initdb").toString(), "-D", primary.toString(), "-U", "postgres", "--auth=trust"),
                    true);
            Files.writeString(primary.resolve("pg_hba.conf"), "host replication all 127.0.0.1/32 trust\n",
                    StandardOpenOption.APPEND);
            start(primary, primaryPort, "wal_level=replica", "max_wal_senders=5");
            Path standby = dir.resolve("standby");
            run(List.of(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(primaryPort),
                    "-U", "postgres", "-D", standby.toString(), "-R", "-X", "stream"), false);
            Files.setPosixFilePermissions(standby, PosixFilePermissions.fromString("rwx------"));
            start(standby, standbyPort, "hot_standby=on");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ConnectionInfo primary() {
        return new ConnectionInfo("127.0.0.1", primaryPort, "postgres", "postgres", null, "disable");
    }

    public ConnectionInfo standby() {
        return new ConnectionInfo("127.0.0.1", standbyPort, "postgres", "postgres", null, "disable");
    }

    private void run(List<String> cmd, boolean server) throws IOException {
        Process p = new ProcessBuilder(server ? DebianPostgres.asServerUser(cmd) : cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("setup.log").toFile()).start();
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(cmd.get(0) + " failed: " + Files.readString(dir.resolve("setup.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void start(Path data, int port, String... settings) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(BIN.resolve("postgres").toString(), "-D", data.toString(), "-p",
                Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir,
                "-c", "fsync=off"));
        for (String s : settings) {
            cmd.addAll(List.of("-c", s));
        }
        servers.add(new ProcessBuilder(DebianPostgres.asServerUser(cmd)).redirectErrorStream(true)
                .redirectOutput(dir.resolve(data.getFileName() + ".log").toFile()).start());
        long end = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    "postgres", "")) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("PostgreSQL on " + port + " did not start: "
                            + Files.readString(dir.resolve(data.getFileName() + ".log")), e);
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = servers.size() - 1; i >= 0; i--) {
            servers.get(i).destroy(); // the standby first; SIGTERM: smart shutdown
        }
        for (Process p : servers) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
