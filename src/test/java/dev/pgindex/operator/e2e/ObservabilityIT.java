package dev.pgindex.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/** Seeing inside a build from kubectl: progress, the blocking session, events, metrics, and few status writes. */
class ObservabilityIT {
    static E2eEnvironment env;

    @BeforeAll
    static void up() {
        env = E2eEnvironment.get();
    }

    @Test
    void shouldShowProgressAndBlockerAndKeepStatusWritesBounded() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("observe");
        exec(t.db(), "CREATE TABLE events (id bigserial PRIMARY KEY, email text)",
                "INSERT INTO events (email) SELECT md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 1500000) g",
                // vacuumed now, so that no autovacuum of the fresh rows is running when the build starts: it would
                // be the first session the build waits for, not the test's open transaction
                "VACUUM ANALYZE events");
        OperatorProcess op = env.operator;
        double writesBefore = op.metric("pgindex_status_writes_total");
        double startedBefore = op.metric("pgindex_builds_started_total");

        try (E2eEnvironment.StatusWatch watch = env.watchStatuses(t.namespace());
                TestPostgres.OpenTransaction blocker = TestPostgres.openTransaction(t.db(), "nightly-report",
                "UPDATE events SET email = email WHERE id = 42")) {
            int blockerPid = blocker.pid();
            Instant applied = Instant.now();
            env.apply(t.namespace(), KubectlUserJourneyIT.manifest("events-email", "events", "events_email_idx", "")).check();
            String blockedBy = env.awaitNonEmpty(t.namespace(), "pgindex/events-email", ".status.blockedBy", Duration.ofSeconds(60));
            assertThat(blockedBy).startsWith("pid " + blockerPid).contains("idle in transaction").contains("nightly-report")
                    .contains("UPDATE events SET email = email WHERE id = 42");
            assertThat(env.kubectl("get", "pgindex", "events-email", "-n", t.namespace(), "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Reconciling\")].reason}").check().out())
                    .isEqualTo("WaitingForTransactions");
            OperatorProcess.sleep(4000); // past the 3 s BuildBlocked threshold of the suite's operator
            String wide = env.kubectl("get", "pgindex", "-n", t.namespace(), "-o", "wide").check().out();
            assertThat(wide).contains("BLOCKER").contains("pid " + blockerPid).contains("Building");
            Files.writeString(env.logDir.resolve("kubectl-get-blocked.txt"), wide);
            String events = env.kubectl("get", "events", "-n", t.namespace(), "--field-selector", "reason=BuildBlocked",
                    "-o", "jsonpath={.items[*].type} {.items[*].message}").check().out();
            assertThat(events).startsWith("Warning").contains("pid " + blockerPid);
            blocker.commit();

            List<String> progress = new ArrayList<>();
            Set<String> snapshots = new LinkedHashSet<>();
            while (true) {
                String table = env.kubectl("get", "pgindex", "-n", t.namespace()).check().out();
                String row = table.lines().filter(l -> l.startsWith("events-email")).findFirst().orElse("");
                String[] cols = row.trim().split("\\s+");
                if (cols.length >= 6) {
                    progress.add(cols[4]);
                    if (snapshots.size() < 4 && snapshots.stream().noneMatch(x -> x.contains(" " + cols[4] + " "))) {
                        snapshots.add(table);
                    }
                }
                if (row.contains(" Ready ")) {
                    break;
                }
                assertThat(Duration.between(applied, Instant.now())).isLessThan(Duration.ofMinutes(3));
                OperatorProcess.sleep(300);
            }
            Duration elapsed = Duration.between(applied, Instant.now());
            Files.writeString(env.logDir.resolve("kubectl-get-progress.txt"), String.join("\n", snapshots));
            OperatorProcess.sleep(1000); // the watch has seen the last write
            List<JsonNode> statuses = watch.writtenStatuses("events-email");
            Files.writeString(env.logDir.resolve("status-writes.json"), statuses.toString());
            double writes = statuses.size();
            double perMinute = writes / (elapsed.toMillis() / 60000.0);
            System.out.printf("status writes during one build: %.0f over %.1f s (%.1f per build minute); PROGRESS seen %s%n",
                    writes, elapsed.toMillis() / 1000.0, perMinute, progress.stream().distinct().toList());
            // intent, blocked, unblocked, Ready, plus at most one progress write per 5 s
            assertThat(writes).as("status writes of this resource: %s", statuses)
                    .isLessThanOrEqualTo(6 + Math.ceil(elapsed.toSeconds() / 5.0));
            assertThat(op.metric("pgindex_status_writes_total") - writesBefore).as("the metric counts every write")
                    .isGreaterThanOrEqualTo(writes);
            assertThat(progress).contains("100%");

            String metrics = op.metrics();
            assertThat(op.metric("pgindex_builds_started_total")).isGreaterThan(startedBefore);
            assertThat(metrics).contains("pgindex_builds_started_total{operation=\"build\"")
                    .contains("pgindex_builds_succeeded_total{operation=\"build\"")
                    .contains("pgindex_build_duration_seconds_bucket{")
                    .contains("pgindex_build_duration_seconds_count{")
                    .contains("pgindex_builds_in_flight")
                    .contains("pgindex_resources{phase=\"Ready\"}")
                    .contains("pgindex_status_writes_total");
            Files.writeString(env.logDir.resolve("metrics.txt"), metrics);
        }
        // describe tells the story
        String describe = env.kubectl("describe", "pgindex", "events-email", "-n", t.namespace()).check().out();
        assertThat(describe).contains("Progress:", "Percent:", "100", "BuildBlocked", "IndexReady");
    }

    @Test
    void shouldWriteReadyBeforeSendingTheReadyEvent() throws Exception {
        E2eEnvironment.Tenant t = env.newTenant("order");
        exec(t.db(), "CREATE TABLE orders (id bigserial PRIMARY KEY, email text)",
                "INSERT INTO orders (email) SELECT md5(g::text) FROM generate_series(1, 20000) g");
        try (E2eEnvironment.StatusWatch watch = env.watchStatuses(t.namespace())) {
            env.apply(t.namespace(), KubectlUserJourneyIT.manifest("orders-email", "orders", "orders_email_idx", ""))
                    .check();
            env.kubectl("wait", "--for=condition=Ready", "pgindex/orders-email", "-n", t.namespace(), "--timeout=60s")
                    .check();
            String event = env.awaitEvents(t.namespace(), "IndexReady", "{.items[0].metadata.resourceVersion}",
                    Duration.ofSeconds(30));
            OperatorProcess.sleep(1000); // the watch has seen the write
            long ready = watch.firstReadyVersion("orders-email");
            assertThat(ready).as("the watch saw the Ready write").isPositive();
            // the status a user waits for is written first; the event follows it
            assertThat(Long.parseLong(event.trim())).isGreaterThan(ready);
        }
    }
}
