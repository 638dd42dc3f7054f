package dev.pgindex.operator.support;

import dev.pgindex.operator.postgres.ConnectionInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The loop every version-matrix test shares: each PostgreSQL version of the list on a server of its own (a missing
 * binaries jar is SKIPPED locally and fails in CI), then the suite's default server; each scenario a row of a
 * printed table, each failure collected so that one run shows every version.
 */
public final class VersionMatrix {
    /** One line of the printed table. */
    public record Row(String version, String scenario, String result, String detail) {
    }

    /** A scenario: its detail on success; a throw is its failure. */
    public interface Scenario {
        String run() throws Exception;
    }

    /** What runs on each server: its version label, its port, how long it took to start (0: the default server). */
    public interface OnServer {
        void run(String version, int port, double startSeconds) throws Exception;
    }

    private VersionMatrix() {
    }

    public static void onEachServer(List<String> versions, List<Row> rows, List<String> failures, OnServer body) {
        for (String version : versions) {
            Optional<Path> jar = PgVersionServer.jar(version);
            if (jar.isEmpty()) {
                String msg = "binaries jar missing in target/pg-binaries (the build copies it: mvn -B test-compile)";
                rows.add(new Row(version, "-", PgVersionServer.missingJarFails() ? "FAIL" : "SKIPPED", msg));
                if (PgVersionServer.missingJarFails()) {
                    failures.add(version + ": " + msg);
                }
                continue;
            }
            try (PgVersionServer pg = PgVersionServer.start(version, jar.get())) {
                body.run(version, pg.port(), pg.startSeconds);
            } catch (Exception e) {
                rows.add(new Row(version, "start", "FAIL", String.valueOf(e)));
                failures.add(version + " did not start: " + e);
            }
        }
        ConnectionInfo probe = TestPostgres.newDatabase();
        try {
            body.run(TestPostgres.scalar(probe, "SHOW server_version") + " (default)", probe.port(), 0);
        } catch (Exception e) {
            failures.add("default server: " + e);
        }
    }

    public static void scenario(String version, String name, List<Row> rows, List<String> failures, Scenario s) {
        long t0 = System.nanoTime();
        try {
            String detail = s.run();
            rows.add(new Row(version, name, "PASS", detail + String.format(" [%.1f s]", (System.nanoTime() - t0) / 1e9)));
        } catch (Throwable e) {
            String t = String.valueOf(e).replace('\n', ' ');
            rows.add(new Row(version, name, "FAIL", t.length() > 150 ? t.substring(0, 150) + "..." : t));
            failures.add(version + " " + name + ": " + e);
        }
    }

    /** The table, under {@code title}. */
    public static void print(String title, List<Row> rows) {
        System.out.println(title + " results:");
        System.out.printf("  %-20s %-48s %-8s %s%n", "version", "scenario", "result", "detail");
        for (Row r : rows) {
            System.out.printf("  %-20s %-48s %-8s %s%n", r.version(), r.scenario(), r.result(), r.detail());
        }
    }
}
