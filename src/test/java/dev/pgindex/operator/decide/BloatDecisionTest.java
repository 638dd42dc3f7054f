package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BloatPolicy;
import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.HealthPolicy;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.DecisionTableSupport.Given;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Outcome;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.decide.step.Steps;
import dev.pgindex.operator.postgres.Bloat;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.HealthObservation;
import dev.pgindex.operator.postgres.IndexBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.ready;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.recorded;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.startsJob;
import static dev.pgindex.operator.decide.DecisionTableSupport.INDEX_OID;
import static dev.pgindex.operator.decide.DecisionTableSupport.NOW;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.healthRead;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static org.assertj.core.api.Assertions.assertThat;

/** spec.health.bloat ({@code BloatStep}): measuring, the estimate, and the rebuild policy. */
public class BloatDecisionTest {
    static final String MEASURE_PREFIX = "SELECT (CASE WHEN s.leaf_pages = 0";
    static final HealthObservation PGSTATTUPLE = new HealthObservation(Optional.empty(), Optional.empty(),
            Optional.of(new Bloat.Reading("public", null)));

    public static void bloat(PostgresIndexSpec s, Integer above, String minSize, String minInterval) {
        HealthPolicy h = new HealthPolicy();
        BloatPolicy b = new BloatPolicy();
        b.setRebuildAbovePercent(above);
        b.setMinSize(minSize);
        b.setMinInterval(minInterval);
        h.setBloat(b);
        s.setHealth(h);
    }

    static HealthObservation estimate(long bytes, double tuples, double width) {
        return new HealthObservation(Optional.empty(), Optional.empty(),
                Optional.of(new Bloat.Reading(null, new Bloat.Estimate(bytes, tuples, 90, width, 1, 1))));
    }

    static void measured(PostgresIndexStatus s, double percent, long bytes, long minutesAgo) {
        if (s.getHealth() == null) {
            s.setHealth(new dev.pgindex.operator.api.v1alpha1.HealthStatus());
        }
        BloatStatus b = s.getHealth().getBloat() == null ? new BloatStatus() : s.getHealth().getBloat();
        s.getHealth().setBloat(b);
        b.setMethod("pgstatindex");
        b.setPercent(percent);
        b.setSizeBytes(bytes);
        b.setIndexOid(INDEX_OID);
        b.setMeasuredAt(NOW.minusSeconds(60 * minutesAgo).toString());
    }

    /** A Ready adopted index, bloat rebuilds over 20% from 1Mi, every 240h. */
    static Given adopted() {
        return given().wasReady().index(Idx.valid().marked(Mark.OURS_ADOPTED))
                .spec(s -> bloat(s, 20, "1Mi", "240h"));
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("bloat: never measured, pgstattuple installed -> pgstatindex() as a job",
                        healthRead(adopted(), PGSTATTUPLE),
                        startsJob(DecisionTableSupport.Kind.MEASURE, Bloat.measure("public", INDEX_OID)).counted(false)),
                row("bloat: the measuring job's intent keeps Ready and says MeasuringBloat",
                        intent(adopted()),
                        recorded().phase(Phase.Ready, Reason.IndexReady).events("Normal MeasuringBloat")
                                .status(s -> assertThat(s.getHealth().getBloat().getMeasuring()).isNotNull())),
                row("bloat: pgstatindex returned '45.5 8388608' -> recorded",
                        adopted().jobEnded(DecisionTableSupport.Kind.MEASURE,
                                new IndexBuilder.Result(true, null, NOW.minusSeconds(1), "45.5 8388608")),
                        recorded().phase(Phase.Ready, Reason.IndexReady).status(s -> {
                            assertThat(s.getHealth().getBloat().getPercent()).isEqualTo(45.5);
                            assertThat(s.getHealth().getBloat().getSizeBytes()).isEqualTo(8388608L);
                            assertThat(s.getHealth().getBloat().getMethod()).isEqualTo("pgstatindex");
                        })),
                row("bloat: the role may not run pgstatindex (42501) -> the message names the grant and the role",
                        adopted().jobEnded(DecisionTableSupport.Kind.MEASURE, DecisionTableSupport.failed(
                                DecisionTableSupport.failure(ErrorKind.InsufficientPrivilege))),
                        recorded().phase(Phase.Ready, Reason.IndexReady).status(s -> assertThat(
                                s.getHealth().getBloat().getMessage()).contains("pgstatindex() did not run",
                                "; grant pg_stat_scan_tables to the operator's role pgindex_operator"))),
                row("bloat: 45% measured, 8Mi, never rebuilt by us -> REINDEX CONCURRENTLY with a Normal event",
                        adopted().status(s -> measured(s, 45, 8 << 20, 5)),
                        startsJob(DecisionTableSupport.Kind.REINDEX, HealthDecisionTest.REINDEX).events("Normal Bloated")
                                .status(s -> assertThat(s.getHealth().getBloat().getMessage())
                                        .isEqualTo("rebuilding with REINDEX INDEX CONCURRENTLY for bloat (45.0% by "
                                                + "pgstatindex, threshold 20%)"))),
                row("bloat: 45% but rebuilt by us 2 days ago (minInterval 240h) -> Ready, says when",
                        adopted().status(s -> measured(s, 45, 8 << 20, 5)).launched("Reindex", "t_idx")
                                .status(s -> s.getBuild().setFinishedAt(NOW.minusSeconds(2 * 86400).toString())),
                        ready(Reason.Adopted).status(s -> assertThat(s.getHealth().getBloat().getMessage())
                                .contains("not rebuilt before 2026-12-09T12:00:00Z"))),
                row("bloat: 12% -> under the threshold, Ready",
                        adopted().status(s -> measured(s, 12, 8 << 20, 5)),
                        ready(Reason.Adopted).status(s -> assertThat(s.getHealth().getBloat().getMessage())
                                .isEqualTo("12.0% by pgstatindex, under the threshold of 20%"))),
                row("bloat: 45% of a 64Ki index (minSize 1Mi) -> not rebuilt",
                        adopted().status(s -> measured(s, 45, 64 << 10, 5)),
                        ready(Reason.Adopted)),
                row("bloat: no pgstattuple -> the statistics estimate, recorded with its method",
                        healthRead(adopted().spec(s -> bloat(s, null, "1Mi", "240h")),
                                estimate(100L * 8192, 1000, 4)),
                        ready(Reason.Adopted).status(s -> {
                            assertThat(s.getHealth().getBloat().getMethod()).isEqualTo("estimate");
                            assertThat(s.getHealth().getBloat().getPercent()).isGreaterThan(90.0);
                            assertThat(s.getHealth().getBloat().getMessage()).endsWith("measured only (no "
                                    + "rebuildAbovePercent)");
                        })));
    }

    static Given intent(Given g) {
        g.action = x -> {
            DecisionContext ctx = x.context().withHealth(PGSTATTUPLE);
            Decision d = Steps.decide(ctx);
            JobPlan plan = ((Decision.StartJob) d).job();
            PostgresIndexStatus st = d.status();
            plan.kind().recordIntent(ctx, plan, 77, x.now);
            return new Outcome(null, st, List.of(plan.kind().started(ctx, plan, 77, st)), null, null);
        };
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void bloat(Row row) {
        DecisionTableTest.check(row);
    }

    @Test
    void theEstimateIsTheShareBeyondAPackedIndexAtItsFillfactor() {
        // 100,000 int4 keys: 16 bytes a tuple + 4 a line pointer, 7336 usable bytes a page at fillfactor 90 ->
        // 273 pages + the metapage, the size of a fresh index
        assertThat(new Bloat.Estimate(274L * 8192, 100_000, 90, 4, 1, 1).percent()).isEqualTo(0.0);
        assertThat(new Bloat.Estimate(548L * 8192, 100_000, 90, 4, 1, 1).percent()).isEqualTo(50.0);
        assertThat(new Bloat.Estimate(548L * 8192, -1, 90, 4, 1, 1).percent()).as("never analyzed").isNull();
        assertThat(new Bloat.Estimate(548L * 8192, 100_000, 90, 4, 2, 1).percent()).as("a column without stats")
                .isNull();
    }
}
