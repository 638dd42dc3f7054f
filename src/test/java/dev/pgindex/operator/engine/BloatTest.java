package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.decide.BloatDecisionTest;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.support.DebianPostgres;
import dev.pgindex.operator.support.EngineHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static dev.pgindex.operator.support.TestPostgres.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bloat on Debian's PostgreSQL 15 (contrib): a table bloated by updates and deletes crosses the threshold and its
 * index is rebuilt once, then not again before minInterval; without pgstattuple the estimate from statistics.
 */
class BloatTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final DebianPostgres pg = DebianPostgres.shared();

    static ConnectionInfo table(String extension) {
        ConnectionInfo db = pg.newDatabase("");
        if (extension != null) {
            exec(db, "CREATE EXTENSION " + extension);
        }
        exec(db, "CREATE TABLE t (id int PRIMARY KEY, v int)",
                "INSERT INTO t SELECT g, g FROM generate_series(1, 200000) g",
                "CREATE INDEX t_v ON t (v)", "VACUUM ANALYZE t");
        return db;
    }

    /** Updates of the indexed column and deletes of 90% of the rows, vacuumed: the index keeps its pages. */
    static void bloat(ConnectionInfo db, int round) {
        exec(db, "UPDATE t SET v = v + 1000000 WHERE id % 3 = " + round,
                "DELETE FROM t WHERE id % 10 <> 0 AND id % 7 = " + round, "VACUUM ANALYZE t");
    }

    static BloatStatus bloat(PostgresIndexStatus s) {
        return s.getHealth() == null ? null : s.getHealth().getBloat();
    }

    static boolean measuredAfter(PostgresIndexStatus s, String after) {
        BloatStatus b = bloat(s);
        return Conditions.isTrue(s, ConditionType.READY) && b != null && b.getPercent() != null
                && b.getMeasuring() == null
                && s.getIndex() != null && s.getIndex().getOid().equals(b.getIndexOid())
                && (after == null || b.getMeasuredAt().compareTo(after) > 0);
    }

    static long rebuildsStarted(EngineHarness h) {
        return h.events.stream().filter(e -> e.startsWith("Normal Rebuilding: started")).count();
    }

    @Test
    void aBloatedIndexIsRebuiltOnceThenNotAgainBeforeMinInterval() throws Exception {
        ConnectionInfo db = table("pgstattuple");
        PostgresIndexSpec spec = EngineHarness.spec("t", "t_v", "v");
        BloatDecisionTest.bloat(spec, 20, "1Ki", "240h");
        spec.getHealth().getBloat().setCheckInterval("1s");
        try (EngineHarness h = new EngineHarness("t-v", db, spec)) {
            h.reconcileUntil(s -> measuredAfter(s, null), WAIT);
            double fresh = bloat(h.status).getPercent();
            String oid = scalar(db, "SELECT 't_v'::regclass::oid");
            System.out.println("fresh index: " + fresh + "% by " + bloat(h.status).getMethod() + ", "
                    + bloat(h.status).getSizeBytes() + " bytes: " + bloat(h.status).getMessage());
            assertThat(fresh).isLessThan(20.0);
            assertThat(bloat(h.status).getMethod()).isEqualTo("pgstatindex");

            for (int round = 0; round < 3; round++) {
                bloat(db, round);
            }
            String pgstat = scalar(db, "SELECT round((100 - avg_leaf_density * 100 / 90)::numeric, 1) "
                    + "FROM pgstatindex('t_v')");
            h.reconcileUntil(s -> !oid.equals(String.valueOf(s.getIndex().getOid())) && measuredAfter(s, null), WAIT);
            BloatStatus after = bloat(h.status);
            System.out.println("bloated to " + pgstat + "% (pgstatindex by hand); rebuilt: " + after.getPercent()
                    + "% now, " + after.getSizeBytes() + " bytes; events " + h.events);
            assertThat(Double.parseDouble(pgstat)).isGreaterThan(20.0);
            assertThat(scalar(db, "SELECT 't_v'::regclass::oid")).isNotEqualTo(oid);
            assertThat(after.getPercent()).isLessThan(20.0);
            assertThat(rebuildsStarted(h)).isEqualTo(1);
            assertThat(h.events).anyMatch(e -> e.startsWith("Normal Bloated: index public.t_v is "));

            // bloated again at once: measured over the threshold, but not rebuilt before minInterval
            String rebuiltOid = scalar(db, "SELECT 't_v'::regclass::oid");
            bloat(db, 1);
            bloat(db, 2);
            String measured = after.getMeasuredAt();
            Thread.sleep(1100);
            h.reconcileUntil(s -> measuredAfter(s, measured) && bloat(s).getPercent() >= 20, WAIT);
            for (int i = 0; i < 5; i++) {
                h.reconcile();
            }
            System.out.println("bloated again: " + bloat(h.status).getPercent() + "%: " + bloat(h.status).getMessage());
            assertThat(bloat(h.status).getMessage()).contains("not rebuilt before");
            assertThat(scalar(db, "SELECT 't_v'::regclass::oid")).isEqualTo(rebuiltOid);
            assertThat(rebuildsStarted(h)).isEqualTo(1);
        }
    }

    @Test
    void withoutPgstattupleTheEstimateFromStatisticsIsReported() throws Exception {
        ConnectionInfo db = table(null);
        PostgresIndexSpec spec = EngineHarness.spec("t", "t_v", "v");
        BloatDecisionTest.bloat(spec, null, "1Ki", "240h");
        spec.getHealth().getBloat().setCheckInterval("1s");
        try (EngineHarness h = new EngineHarness("t-v", db, spec)) {
            h.reconcileUntil(s -> measuredAfter(s, null), WAIT);
            double fresh = bloat(h.status).getPercent();
            for (int round = 0; round < 3; round++) {
                bloat(db, round);
            }
            String measured = bloat(h.status).getMeasuredAt();
            Thread.sleep(1100);
            h.reconcileUntil(s -> measuredAfter(s, measured), WAIT);
            System.out.println("estimate: fresh " + fresh + "%, bloated " + bloat(h.status).getPercent() + "%: "
                    + bloat(h.status).getMessage());
            assertThat(bloat(h.status).getMethod()).isEqualTo("estimate");
            assertThat(fresh).isLessThan(10.0);
            assertThat(bloat(h.status).getPercent()).isGreaterThan(50.0);
            assertThat(bloat(h.status).getMessage()).endsWith("measured only (no rebuildAbovePercent)");
        }
    }
}
