package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.AnalyzeInfo;
import dev.pgindex.operator.api.v1alpha1.AnalyzeMode;
import dev.pgindex.operator.api.v1alpha1.BuildSettings;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.spec.BuildSettingsPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.pgindex.operator.api.v1alpha1.Phase.Building;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.ready;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.shortLock;
import static dev.pgindex.operator.decide.DecisionTableSupport.failure;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** spec.buildSettings: the ANALYZE after a build ({@code AnalyzeStep}) and the builder session's settings. */
class AnalyzeDecisionTest {
    static final String ANALYZE = "ANALYZE \"public\".\"t\"";
    static final java.time.Duration POLL = DecisionTableSupport.SETTINGS.buildPollInterval();

    static void expression(dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec s) {
        IndexColumn c = new IndexColumn();
        c.setExpression("lower(a)");
        s.setColumns(new ArrayList<>(List.of(c)));
    }

    static BuildSettings settings(AnalyzeMode mode) {
        BuildSettings b = new BuildSettings();
        b.setAnalyze(mode);
        return b;
    }

    /** Our build of public.t_idx ended; the index is valid and marked ours. */
    static DecisionTableSupport.Given afterOurBuild() {
        return given().wasBuilding().launchedAndFinished().attempts(1).index(Idx.valid().marked(Mark.OURS));
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("analyze: after our build of an expression index -> ANALYZE under a short lock, recorded first",
                        afterOurBuild().spec(AnalyzeDecisionTest::expression),
                        shortLock(ANALYZE).onSuccess("Normal Analyzed")
                                .onFailure(DecisionTableSupport.LOCK_TIMEOUT, Decision.Wait.class, Building,
                                        Reason.Building, POLL)
                                .onFailure(failure(ErrorKind.InsufficientPrivilege), Decision.Wait.class, Building,
                                        Reason.Building, POLL)
                                .status(s -> {
                                    assertThat(s.getAnalyze().getForBuild()).isEqualTo(s.getBuild().getStartedAt());
                                    assertThat(s.getAnalyze().getResult()).isEqualTo("analyzed public.t (the index "
                                            + "has expressions, which have no statistics until the table is analyzed)");
                                })),
                row("analyze: after our build of a partial index -> ANALYZE",
                        afterOurBuild().spec(s -> s.setWhere("a > 0")),
                        shortLock(ANALYZE).onSuccess("Normal Analyzed")
                                .onFailure(DecisionTableSupport.LOCK_TIMEOUT, Decision.Wait.class, Building,
                                        Reason.Building, POLL)
                                .onFailure(failure(ErrorKind.InsufficientPrivilege), Decision.Wait.class, Building,
                                        Reason.Building, POLL)),
                row("analyze: a plain column index (Auto) -> Ready without ANALYZE",
                        afterOurBuild(),
                        ready(Reason.IndexReady).events("Normal IndexReady")
                                .status(s -> assertThat(s.getAnalyze()).isNull())),
                row("analyze: Always on a plain index -> ANALYZE",
                        afterOurBuild().spec(s -> s.setBuildSettings(settings(AnalyzeMode.Always))),
                        shortLock(ANALYZE).onSuccess("Normal Analyzed")
                                .onFailure(DecisionTableSupport.LOCK_TIMEOUT, Decision.Wait.class, Building,
                                        Reason.Building, POLL)
                                .onFailure(failure(ErrorKind.InsufficientPrivilege), Decision.Wait.class, Building,
                                        Reason.Building, POLL)),
                row("analyze: Never on an expression index -> Ready",
                        afterOurBuild().spec(AnalyzeDecisionTest::expression)
                                .spec(s -> s.setBuildSettings(settings(AnalyzeMode.Never))),
                        ready(Reason.IndexReady).events("Normal IndexReady")),
                row("analyze: already done (or tried) for this build -> Ready, not again",
                        afterOurBuild().spec(AnalyzeDecisionTest::expression).status(s -> {
                            AnalyzeInfo a = new AnalyzeInfo();
                            a.setForBuild(s.getBuild().getStartedAt());
                            s.setAnalyze(a);
                        }),
                        ready(Reason.IndexReady).events("Normal IndexReady")),
                row("analyze: an adopted expression index (no build of ours) -> Ready without ANALYZE",
                        given().spec(AnalyzeDecisionTest::expression).index(Idx.valid().marked(Mark.OURS_ADOPTED)),
                        ready(Reason.Adopted).events("Normal IndexReady")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void analyze(Row row) {
        DecisionTableTest.check(row);
    }

    @Test
    void builderSessionSettingsAreCheckedAndNormalised() {
        var spec = DecisionTableSupport.Given.spec();
        BuildSettings b = new BuildSettings();
        b.setMaintenanceWorkMem("2GB");
        b.setMaxParallelMaintenanceWorkers(4);
        spec.setBuildSettings(b);
        assertThat(BuildSettingsPlan.sessionSettings(spec)).containsExactly(
                Map.entry("maintenance_work_mem", "2097152kB"), Map.entry("max_parallel_maintenance_workers", "4"));
        b.setMaintenanceWorkMem("512kB");
        assertThatThrownBy(() -> BuildSettingsPlan.sessionSettings(spec)).hasMessageContaining("between 1MB and 2TB");
        b.setMaintenanceWorkMem("1MB; SET role postgres");
        assertThatThrownBy(() -> BuildSettingsPlan.sessionSettings(spec)).hasMessageContaining("is not a size");
    }
}
