package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.CollationDriftPolicy;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.DebianPostgres;
import dev.pgindex.operator.support.EngineHarness;
import dev.pgindex.operator.support.Json;
import dev.pgindex.operator.support.WriteLoad;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.pgindex.operator.engine.IndexLifecycleTest.reason;
import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Collation drift on a real PostgreSQL 15 with ICU (Debian's): a database whose default collation is ICU, indexes on
 * text with the default collation, with COLLATE "en-x-icu", with COLLATE "C" and on an int column. Drift is
 * simulated as a superuser the way a glibc/ICU upgrade looks to PostgreSQL: the catalog's recorded versions
 * (pg_collation.collversion, pg_database.datcollversion) no longer match what the library reports.
 */
class CollationDriftTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final DebianPostgres pg = DebianPostgres.shared();
    ConnectionInfo db;

    static PostgresIndexSpec spec(String index, String... columns) {
        PostgresIndexSpec s = EngineHarness.spec("t", index);
        for (String c : columns) {
            if (c.contains("(")) {
                IndexColumn col = new IndexColumn();
                col.setExpression(c);
                s.getColumns().add(col);
            } else {
                s.getColumns().add(IndexColumn.named(c));
            }
        }
        return s;
    }

    static String oid(ConnectionInfo db, String index) {
        return scalar(db, "SELECT '" + index + "'::regclass::oid");
    }

    static boolean settled(PostgresIndexStatus s) {
        return Conditions.isTrue(s, ConditionType.READY) && !Conditions.isTrue(s, ConditionType.RECONCILING)
                && s.getHealth() != null && s.getHealth().getCollationsIndexOid() != null
                && s.getIndex() != null && s.getHealth().getCollationsIndexOid().equals(s.getIndex().getOid());
    }

    /** Reconciles every resource (one operator process) until each is settled. */
    static void reconcileAll(List<EngineHarness> all, java.util.function.Predicate<PostgresIndexStatus> done)
            throws Exception {
        Instant end = Instant.now().plus(WAIT);
        while (true) {
            boolean allDone = true;
            for (EngineHarness h : all) {
                h.reconcile();
                allDone &= done.test(h.status);
            }
            if (allDone) {
                return;
            }
            if (Instant.now().isAfter(end)) {
                StringBuilder sb = new StringBuilder();
                all.forEach(h -> sb.append(h.name).append(": ").append(Json.write(h.status)).append('\n')
                        .append(h.events).append('\n'));
                throw new AssertionError("not settled within " + WAIT + ":\n" + sb);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void exactlyTheIndexesOnDriftedCollationsReportAndRebuildOnlineWhileWritesGoOn() throws Exception {
        db = pg.newDatabase("TEMPLATE template0 ENCODING UTF8 LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8'");
        exec(db, "CREATE TABLE t (id int PRIMARY KEY, a text, b text COLLATE \"en-x-icu\", c text COLLATE \"C\")",
                "INSERT INTO t SELECT g, md5(g::text), md5((g * 7)::text), md5((g * 13)::text) "
                        + "FROM generate_series(1, 100000) g",
                // built before the operator looks (the database's indexes before an OS upgrade), then adopted
                "CREATE INDEX t_a ON t (a)", "CREATE INDEX t_b ON t (b)", "CREATE INDEX t_lower_a ON t (lower(a))",
                "CREATE INDEX t_c ON t (c)", "CREATE INDEX t_id ON t (id)",
                // the upgrade as PostgreSQL sees it: the recorded versions differ from the library's
                "UPDATE pg_collation SET collversion = '0.0' WHERE collname = 'en-x-icu'",
                "UPDATE pg_database SET datcollversion = '0.0' WHERE datname = current_database()");
        Map<String, PostgresIndexSpec> specs = new LinkedHashMap<>();
        specs.put("t_a", spec("t_a", "a"));
        specs.put("t_b", spec("t_b", "b"));
        specs.put("t_lower_a", spec("t_lower_a", "lower(a)"));
        specs.put("t_c", spec("t_c", "c"));
        specs.put("t_id", spec("t_id", "id"));
        specs.put("t_a_id", spec("t_a_id", "a", "id")); // built by the operator after the upgrade
        List<EngineHarness> all = new ArrayList<>();
        Map<String, String> oidsBefore = new LinkedHashMap<>();
        EngineHarness first = null;
        try {
            for (Map.Entry<String, PostgresIndexSpec> e : specs.entrySet()) {
                EngineHarness h = first == null ? new EngineHarness(e.getKey(), db, e.getValue())
                        : new EngineHarness(e.getKey(), db, e.getValue(), first);
                first = first == null ? h : first;
                all.add(h);
            }
            reconcileAll(all, CollationDriftTest::settled);
            Map<String, String> reasons = new LinkedHashMap<>();
            for (EngineHarness h : all) {
                reasons.put(h.name, reason(h.status, ConditionType.READY));
                oidsBefore.put(h.name, oid(db, h.name));
            }
            System.out.println("after adoption: " + reasons);
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("t_a", "CollationDrift");
            expected.put("t_b", "CollationDrift");
            expected.put("t_lower_a", "CollationDrift");
            expected.put("t_c", "Adopted");
            expected.put("t_id", "Adopted");
            expected.put("t_a_id", "IndexReady");
            assertThat(reasons).containsExactlyEntriesOf(expected);
            String icu = scalar(db, "SELECT pg_collation_actual_version(oid) FROM pg_collation "
                    + "WHERE collname = 'en-x-icu'");
            EngineHarness a = all.get(0);
            EngineHarness b = all.get(1);
            assertThat(a.status.getHealth().getCollationDrift()).isEqualTo("default 0.0 -> " + icu);
            assertThat(b.status.getHealth().getCollationDrift()).isEqualTo("en-x-icu 0.0 -> " + icu);
            assertThat(a.events).anyMatch(ev -> ev.startsWith("Warning CollationDrift: index public.t_a was built "
                    + "with other collation versions"));
            assertThat(all.get(3).status.getHealth().getCollations()).as("COLLATE \"C\" has no version").isEmpty();
            assertThat(all.get(4).status.getHealth().getCollations()).as("an int column").isEmpty();
            assertThat(all.get(5).status.getHealth().getCollationsSource()).isEqualTo("Built");
            assertThat(all.get(5).status.getHealth().getCollations()).extracting(v -> v.getVersion())
                    .containsExactly(icu);

            // policy Rebuild on every resource, under a write load
            java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    int n = Integer.parseInt(scalar(db, "SELECT count(*) FROM pg_stat_progress_create_index "
                            + "WHERE datname = current_database()"));
                    mostAtOnce.accumulateAndGet(n, Math::max);
                }
            });
            sampler.start();
            try (WriteLoad writes = new WriteLoad(db, "INSERT INTO t VALUES (?n + 1000000, md5('?n'), 'b?n', 'c?n')")) {
                for (EngineHarness h : all) {
                    h.spec.setHealth(new dev.pgindex.operator.api.v1alpha1.HealthPolicy());
                    h.spec.getHealth().setCollationDrift(CollationDriftPolicy.Rebuild);
                    h.generation = 2;
                }
                reconcileAll(all, s -> settled(s) && !Reason.CollationDrift.name().equals(
                        reason(s, ConditionType.READY)));
                Thread.sleep(200);
                writes.close();
                System.out.println("writes during the rebuilds: " + writes.acked() + " acknowledged, failures "
                        + writes.failures);
                assertThat(writes.failures).as("failed writes").isEmpty();
                assertThat(writes.acked()).isGreaterThan(0);
            } finally {
                sampling.set(false);
                sampler.join();
            }
            System.out.println("most REINDEX CONCURRENTLY seen at once in the database: " + mostAtOnce.get());
            assertThat(mostAtOnce.get()).as("one rebuild at a time (the database's build slot)").isEqualTo(1);
            Map<String, Boolean> rebuilt = new LinkedHashMap<>();
            for (EngineHarness h : all) {
                rebuilt.put(h.name, !oid(db, h.name).equals(oidsBefore.get(h.name)));
            }
            System.out.println("rebuilt: " + rebuilt);
            assertThat(rebuilt).containsEntry("t_a", true).containsEntry("t_b", true).containsEntry("t_lower_a", true)
                    .containsEntry("t_c", false).containsEntry("t_id", false).containsEntry("t_a_id", false);
            assertThat(a.status.getHealth().getCollationsSource()).isEqualTo("Built");
            assertThat(a.status.getHealth().getCollationNote()).contains("no longer depends on the old collation "
                    + "versions (default 0.0 -> " + icu + ")");
            assertThat(a.events).anyMatch(ev -> ev.startsWith("Normal Rebuilding: started REINDEX INDEX CONCURRENTLY "
                    + "public.t_a for a collation drift (default 0.0 -> " + icu + ")"));
            assertThat(a.events).anyMatch(ev -> ev.startsWith("Normal CollationDriftResolved"));
            assertThat(scalar(db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).isEqualTo("0");
            // the catalog still says 0.0: the database-wide refresh is the DBA's, never the operator's
            assertThat(scalar(db, "SELECT collversion FROM pg_collation WHERE collname = 'en-x-icu'")).isEqualTo("0.0");
            // and nothing is rebuilt twice
            int reindexes = (int) all.stream().flatMap(h -> h.events.stream())
                    .filter(ev -> ev.startsWith("Normal Rebuilding: started")).count();
            for (EngineHarness h : all) {
                h.reconcile();
            }
            assertThat(all.stream().flatMap(h -> h.events.stream())
                    .filter(ev -> ev.startsWith("Normal Rebuilding: started")).count()).isEqualTo(reindexes);
            assertThat(reindexes).isEqualTo(3);
        } finally {
            all.forEach(EngineHarness::close);
        }
    }
}
