package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.CollationDriftPolicy;
import dev.pgindex.operator.api.v1alpha1.CollationVersion;
import dev.pgindex.operator.api.v1alpha1.HealthPolicy;
import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.DecisionTableSupport.Given;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.decide.step.CollationDriftStep;
import dev.pgindex.operator.postgres.Collations;
import dev.pgindex.operator.postgres.HealthObservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.ready;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.startsJob;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.waits;
import static dev.pgindex.operator.decide.DecisionTableSupport.INDEX_OID;
import static dev.pgindex.operator.decide.DecisionTableSupport.NOW;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static org.assertj.core.api.Assertions.assertThat;

/** The checks after Ready (spec.health): collation drift ({@code CollationDriftStep}). */
class HealthDecisionTest {
    static final String REINDEX = "REINDEX INDEX CONCURRENTLY \"public\".\"t_idx\"";
    static final Collations.Dependency ICU_DRIFTED = new Collations.Dependency("en-x-icu", "0.0", "153.120");
    static final Collations.Dependency ICU_SAME = new Collations.Dependency("en-x-icu", "153.120", "153.120");
    static final Collations.Dependency DEFAULT_DRIFTED = new Collations.Dependency("default", "0.0", "153.120");

    /** The steps, with the collations read this time (the engine reads them only when a check is due). */
    static Given read(Given g, Collations.Dependency... deps) {
        return DecisionTableSupport.healthRead(g,
                new HealthObservation(Optional.of(List.of(deps)), Optional.empty(), Optional.empty()));
    }

    static void policy(PostgresIndexSpec s, CollationDriftPolicy p) {
        HealthPolicy h = new HealthPolicy();
        h.setCollationDrift(p);
        s.setHealth(h);
    }

    /** status.health as a check of index {@code oid} left it. */
    static void recorded(PostgresIndexStatus s, long oid, String source, String drift, CollationVersion... v) {
        HealthStatus h = new HealthStatus();
        h.setCollations(List.of(v));
        h.setCollationsIndexOid(oid);
        h.setCollationsSource(source);
        h.setCollationsCheckedAt(NOW.minusSeconds(600).toString());
        h.setCollationDrift(drift);
        s.setHealth(h);
    }

    /** A Ready index that this resource adopted. */
    static Given adopted() {
        return given().wasReady().index(Idx.valid().marked(Mark.OURS_ADOPTED));
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("collations: an adopted index whose ICU collation's catalog version differs from the library's "
                        + "-> Ready with reason CollationDrift and a Warning (Report by default)",
                        read(adopted(), ICU_DRIFTED),
                        ready(Reason.CollationDrift).events("Warning CollationDrift")
                                .says("en-x-icu 0.0 -> 153.120", "needs REINDEX")
                                .status(s -> {
                                    assertThat(s.getHealth().getCollationsSource()).isEqualTo("Catalog");
                                    assertThat(s.getHealth().getCollationsIndexOid()).isEqualTo(INDEX_OID);
                                    assertThat(s.getHealth().getCollations()).singleElement()
                                            .satisfies(v -> assertThat(v.getVersion()).isEqualTo("0.0"));
                                    assertThat(s.getHealth().getCollationDrift()).isEqualTo("en-x-icu 0.0 -> 153.120");
                                })),
                row("collations: the database default drifted, policy Rebuild -> REINDEX INDEX CONCURRENTLY of this "
                        + "index, counted as an attempt (the gates apply: it is a REINDEX StartJob)",
                        read(adopted().spec(s -> policy(s, CollationDriftPolicy.Rebuild)), DEFAULT_DRIFTED, ICU_SAME),
                        startsJob(DecisionTableSupport.Kind.REINDEX, REINDEX).counted(true).events("Warning CollationDrift")
                                .status(s -> assertThat(s.getHealth().getCollationDrift())
                                        .isEqualTo("default 0.0 -> 153.120"))),
                row("collations: policy Rebuild while an earlier REINDEX of ours still runs -> wait for it",
                        read(adopted().spec(s -> policy(s, CollationDriftPolicy.Rebuild)).builderBackend(4243),
                                ICU_DRIFTED),
                        waits(Phase.Building, Reason.BuildInProgress).events("Warning CollationDrift")
                                .after(DecisionTableSupport.SETTINGS.buildPollInterval())),
                row("collations: our own build of this very OID, catalog still on the old version -> recorded as "
                        + "built with the library's version: no drift",
                        read(given().wasReady().launchedAndFinished().catalogChecked().pinned(INDEX_OID)
                                .index(Idx.valid().marked(Mark.OURS)), ICU_DRIFTED),
                        ready(Reason.IndexReady).status(s -> {
                            assertThat(s.getHealth().getCollationsSource()).isEqualTo("Built");
                            assertThat(s.getHealth().getCollations().get(0).getVersion()).isEqualTo("153.120");
                            assertThat(s.getHealth().getCollationDrift()).isNull();
                        })),
                row("collations: our own build recorded ICU 153.14, the library now says 153.120 (an OS upgrade "
                        + "after the build) -> CollationDrift",
                        read(given().wasReady().launchedAndFinished().catalogChecked().pinned(INDEX_OID)
                                .index(Idx.valid().marked(Mark.OURS))
                                .status(s -> recorded(s, INDEX_OID, "Built", null,
                                        new CollationVersion("en-x-icu", "153.14", "153.14"))),
                                new Collations.Dependency("en-x-icu", "153.14", "153.120")),
                        ready(Reason.CollationDrift).events("Warning CollationDrift")
                                .says("en-x-icu 153.14 -> 153.120")
                                .status(s -> assertThat(s.getHealth().getCollations().get(0).getActual())
                                        .isEqualTo("153.120"))),
                row("collations: no versioned collation (an int column, COLLATE \"C\") -> Ready, nothing to drift",
                        read(adopted()),
                        ready(Reason.Adopted).status(s -> assertThat(s.getHealth().getCollations()).isEmpty())),
                row("collations: not due this time, drift already reported -> Ready with CollationDrift, no new event",
                        adopted().status(s -> recorded(s, INDEX_OID, "Catalog", "en-x-icu 0.0 -> 153.120",
                                new CollationVersion("en-x-icu", "0.0", "153.120"))),
                        ready(Reason.CollationDrift)),
                row("collations: the drift REINDEX made a new OID, checked at once -> recorded as Built, drift over, "
                        + "a Normal event that says when REFRESH VERSION is safe",
                        read(given().wasReady().launched("Reindex", "t_idx").pinned(INDEX_OID + 1)
                                .status(s -> s.getBuild().setFinishedAt(NOW.minusSeconds(5).toString()))
                                .status(s -> recorded(s, INDEX_OID, "Catalog", "en-x-icu 0.0 -> 153.120",
                                        new CollationVersion("en-x-icu", "0.0", "153.120")))
                                .index(Idx.valid().oid(INDEX_OID + 1).marked(Mark.OURS_ADOPTED)), ICU_DRIFTED),
                        ready(Reason.Adopted).events("Normal CollationDriftResolved").status(s -> {
                            assertThat(s.getHealth().getCollationsIndexOid()).isEqualTo(INDEX_OID + 1);
                            assertThat(s.getHealth().getCollationsSource()).isEqualTo("Built");
                            assertThat(s.getHealth().getCollationDrift()).isNull();
                            assertThat(s.getHealth().getCollationNote()).contains("no longer depends on the old "
                                    + "collation versions (en-x-icu 0.0 -> 153.120)", "REFRESH VERSION");
                        })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void health(Row row) {
        DecisionTableTest.check(row);
    }

    @Test
    void collationsAreReadForANewOidAtOnceAndOtherwiseOnTheirInterval() {
        Given g = adopted();
        var idx = Idx.valid().build(g.def());
        PostgresIndexStatus st = new PostgresIndexStatus();
        Duration hour = Duration.ofHours(1);
        assertThat(CollationDriftStep.due(st, idx, NOW, hour)).as("never recorded").isTrue();
        recorded(st, INDEX_OID, "Catalog", null);
        assertThat(CollationDriftStep.due(st, idx, NOW, hour)).as("checked 10 minutes ago").isFalse();
        assertThat(CollationDriftStep.due(st, idx, NOW.plus(Duration.ofMinutes(50)), hour)).as("an hour on").isTrue();
        assertThat(CollationDriftStep.due(st, Idx.valid().oid(INDEX_OID + 1).build(g.def()), NOW, hour))
                .as("a REINDEX made a new OID").isTrue();
        assertThat(CollationDriftStep.due(new PostgresIndexStatus(), Idx.invalid().build(g.def()), NOW, hour))
                .as("an INVALID index").isFalse();
        assertThat(CollationDriftStep.due(new PostgresIndexStatus(), Idx.valid().relkind('I').build(g.def()), NOW,
                hour)).as("a partitioned index").isFalse();
    }
}
