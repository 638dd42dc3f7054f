package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real PgBouncer (Debian's package, /usr/sbin/pgbouncer) in front of a test PostgreSQL, on a free port, with a
 * generated ini and userlist under a temporary directory. PgBouncer refuses to run as root, so under root it runs
 * as the user {@code nobody} (its files are made readable for that).
 */
public final class PgBouncer implements AutoCloseable {
    public static final Path BINARY = Path.of(System.getenv().getOrDefault("PGINDEX_PGBOUNCER", "/usr/sbin/pgbouncer"));

    private final Process process;
    private final Path dir;
    public final int port;
    private final ConnectionInfo upstream;

    /** Starts PgBouncer in {@code poolMode} (session, transaction or statement) in front of {@code upstream}. */
    public PgBouncer(ConnectionInfo upstream, String poolMode) {
        this.upstream = upstream;
        try {
            dir = Files.createTempDirectory("pgbouncer");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            port = freePort();
            Path users = dir.resolve("userlist.txt");
            Files.writeString(users, "\"" + upstream.user() + "\" \"" + upstream.password() + "\"\n");
            Path ini = dir.resolve("pgbouncer.ini");
            Files.writeString(ini, String.join("\n",
                    "[databases]",
                    "* = host=127.0.0.1 port=" + upstream.port(),
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = trust",
                    "auth_file = " + users,
                    "pool_mode = " + poolMode,
                    "default_pool_size = 5",
                    "max_client_conn = 100",
                    "ignore_startup_parameters = extra_float_digits,options",
                    "logfile = " + dir.resolve("pgbouncer.log"),
                    ""));
            for (Path p : List.of(users, ini)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            ProcessBuilder pb = root ? new ProcessBuilder(BINARY.toString(), "-u", "nobody", ini.toString())
                    : new ProcessBuilder(BINARY.toString(), ini.toString());
            process = pb.redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            waitForPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the operator reaches the database through this PgBouncer. */
    public ConnectionInfo connection() {
        return new ConnectionInfo("127.0.0.1", port, upstream.database(), upstream.user(), upstream.password(),
                "disable");
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("pgbouncer.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void waitForPort() throws IOException {
        Instant end = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited: " + Files.readString(dir.resolve("stdout.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("pgbouncer did not listen on " + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
