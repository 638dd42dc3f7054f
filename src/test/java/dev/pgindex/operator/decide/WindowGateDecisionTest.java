package dev.pgindex.operator.decide;

import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.api.v1alpha1.BuildSchedule;
import dev.pgindex.operator.api.v1alpha1.MaintenanceWindow;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.Weekday;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Node;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.GuardObservation;
import dev.pgindex.operator.spec.Windows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.pgindex.operator.api.v1alpha1.Phase.Pending;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.startsJob;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.waits;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.BUILD;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.DROP;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.REINDEX;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The maintenance-window gate ({@code WindowGate}) on every kind of job start, with the engine's clock fixed at
 * Tuesday 2026-12-01 12:00 UTC ({@link DecisionTableSupport#NOW}). WindowsTest covers the time arithmetic itself.
 */
public class WindowGateDecisionTest {
    static final Duration RESYNC = DecisionTableSupport.SETTINGS.resyncInterval();
    static final String SQL_BUILD = DecisionTableTest.SQL_BUILD;

    public static MaintenanceWindow window(String days, String start, String duration, String zone) {
        MaintenanceWindow w = new MaintenanceWindow();
        if (days != null) {
            w.setDays(new ArrayList<>(Arrays.stream(days.split(",")).map(Weekday::valueOf).toList()));
        }
        w.setStart(start);
        w.setDuration(duration);
        w.setTimeZone(zone);
        return w;
    }

    public static java.util.function.Consumer<PostgresIndexSpec> windows(MaintenanceWindow... ws) {
        return s -> {
            BuildSchedule b = new BuildSchedule();
            b.setWindows(new ArrayList<>(List.of(ws)));
            s.setSchedule(b);
        };
    }

    static final MaintenanceWindow WEEKENDS_BERLIN = window("Sat,Sun", "02:00", "4h", "Europe/Berlin");
    /** Open now (Tuesday 11:00-13:00 UTC). */
    static final MaintenanceWindow TUESDAY_11_UTC = window("Tue", "11:00", "2h", null);

    /** What was read before the job start: a direct connection, and the table's size. */
    static Guards read(long tableBytes, Double rate) {
        return new Guards(Windows.NONE, new GuardObservation(true, true, null, tableBytes, GuardObservation.ReplicaLag.NOT_READ), rate);
    }

    static final long MB = 1L << 20;

    static Stream<Row> rows() {
        Idx parentOurs = Idx.invalid().relkind('I').marked(Mark.OURS);
        return Stream.of(
                row("window: none set, no operator default -> builds at any time, status.guards stays empty",
                        given().spec(s -> s.setSchedule(new BuildSchedule())),
                        startsJob(BUILD, SQL_BUILD).status(s -> assertThat(s.getGuards()).isNull())),
                row("window: outside the only window (weekends, Berlin) -> Pending WaitingForWindow with the next opening",
                        given().spec(windows(WEEKENDS_BERLIN)),
                        waits(Pending, Reason.WaitingForWindow).after(RESYNC)
                                .says("outside the maintenance windows (Sat,Sun 02:00 for 4h Europe/Berlin)",
                                        "the build of public.t_idx waits for the next one, at 2026-12-05T01:00:00Z "
                                                + "(in 85h)")
                                .status(s -> {
                                    assertThat(s.getGuards().getNextWindow()).isEqualTo("2026-12-05T01:00:00Z");
                                    assertThat(s.getGuards().getWaiting())
                                            .isEqualTo("WaitingForWindow until 2026-12-05T01:00:00Z");
                                    assertThat(s.getAttempts()).as("no attempt spent").isNull();
                                })),
                row("window: open now (Tuesday 11:00 for 2h UTC) -> builds",
                        given().spec(windows(WEEKENDS_BERLIN, TUESDAY_11_UTC)),
                        startsJob(BUILD, SQL_BUILD).status(s -> assertThat(s.getGuards()).isNull())),
                row("window: the one that opens in two minutes -> looked at again just after it opens",
                        given().spec(windows(window(null, "12:02", "1h", "UTC"))),
                        waits(Pending, Reason.WaitingForWindow).after(ofSeconds(121))
                                .says("at 2026-12-01T12:02:00Z (in 2m)")),
                row("window: the message says each duration as the spec wrote it (1h, not 60m; 1h30m, not 90m)",
                        given().spec(windows(window(null, "12:02", "1h", "UTC"), window("Sat", "03:00", "1h30m",
                                "UTC"))),
                        waits(Pending, Reason.WaitingForWindow).says("outside the maintenance windows (daily 12:02 "
                                + "for 1h UTC; Sat 03:00 for 1h30m UTC)")),
                row("window: an IANA zone, 13:00 in Berlin is 12:00 UTC in winter -> open, builds",
                        given().spec(windows(window("Tue", "13:00", "1h", "Europe/Berlin"))),
                        startsJob(BUILD, SQL_BUILD)),
                row("window: 07:30 in New York is 12:30 UTC -> waits 30m, looked at again at the resync interval",
                        given().spec(windows(window("Tue", "07:30", "1h", "America/New_York"))),
                        waits(Pending, Reason.WaitingForWindow).after(RESYNC).says("at 2026-12-01T12:30:00Z (in 30m)")),
                row("window: one that opened Monday 22:00 for 16h is still open on Tuesday -> builds",
                        given().spec(windows(window("Mon", "22:00", "16h", null))),
                        startsJob(BUILD, SQL_BUILD)),
                row("window: the operator's default applies to a resource without spec.schedule -> waits",
                        given().guards(new Guards(Windows.parseDefault("Sat,Sun 02:00 4h Europe/Berlin"),
                                GuardObservation.NOT_READ, null)),
                        waits(Pending, Reason.WaitingForWindow).says("2026-12-05T01:00:00Z")),
                row("window: an empty spec.schedule.windows overrides the operator's default -> builds",
                        given().spec(windows()).guards(new Guards(Windows.parseDefault("Sat,Sun 02:00 4h"),
                                GuardObservation.NOT_READ, null)),
                        startsJob(BUILD, SQL_BUILD)),
                row("window: a retry after a transient failure, outside the window -> waits, no attempt spent",
                        given().spec(windows(WEEKENDS_BERLIN)).wasBuilding().attempts(1)
                                .lastError(ErrorKind.Cancelled, ofMinutes(20), 1),
                        waits(Pending, Reason.WaitingForWindow).status(s -> assertThat(s.getAttempts()).isEqualTo(1))),
                row("window: a spec.rebuild token outside the window -> REINDEX waits for it",
                        given().spec(windows(WEEKENDS_BERLIN)).wasReady().rebuild("r1").index(Idx.valid().marked(Mark.OURS)),
                        waits(Pending, Reason.WaitingForWindow).says("the build of public.t_idx waits")),
                row("window: a spec.rebuild token inside the window -> REINDEX",
                        given().spec(windows(TUESDAY_11_UTC)).wasReady().rebuild("r1").index(Idx.valid().marked(Mark.OURS)),
                        startsJob(REINDEX, DecisionTableTest.SQL_REINDEX)),
                row("window: the next partition leaf outside the window -> waits, naming the leaf's index",
                        given().spec(windows(WEEKENDS_BERLIN)).wasBuilding()
                                .partitionedTable(Node.leaf("t_p1", 201).done(), Node.leaf("t_p2", 202)).index(parentOurs),
                        waits(Pending, Reason.WaitingForWindow).says("the build of public.t_idx_t_p2 waits")),
                row("window: our INVALID index outside the window -> its DROP still runs (the rebuild waits)",
                        given().spec(windows(WEEKENDS_BERLIN)).wasBuilding().index(Idx.invalid().marked(Mark.OURS)),
                        startsJob(DROP, DecisionTableTest.SQL_DROP)),
                row("window: predicted 30m (1800 MB at 1 MB/s), 1h left -> builds, the estimate in status",
                        given().spec(windows(TUESDAY_11_UTC)).guards(read(1800 * MB, (double) MB)),
                        startsJob(BUILD, SQL_BUILD).status(s -> {
                            assertThat(s.getGuards().getEstimatedBuildTime()).isEqualTo("30m");
                            assertThat(s.getGuards().getWaiting()).isNull();
                        })),
                row("window: predicted 2h, 1h left -> waits for the next window long enough (Saturday's 8h)",
                        given().spec(windows(TUESDAY_11_UTC, window("Sat", "00:00", "8h", null)))
                                .guards(read(7200 * MB, (double) MB)),
                        waits(Pending, Reason.WaitingForWindow).after(RESYNC)
                                .says("predicted to take 2h", "it closes at 2026-12-01T13:00:00Z",
                                        "waiting for the next window long enough, at 2026-12-05T00:00:00Z")
                                .status(s -> {
                                    assertThat(s.getGuards().getEstimatedBuildTime()).isEqualTo("2h");
                                    assertThat(s.getGuards().getWindowClosesAt()).isEqualTo("2026-12-01T13:00:00Z");
                                    assertThat(s.getGuards().getNextWindow()).isEqualTo("2026-12-05T00:00:00Z");
                                })),
                row("window: predicted 3h and no window that long -> waits, saying so",
                        given().spec(windows(TUESDAY_11_UTC)).guards(read(3 * 3600 * MB, (double) MB)),
                        waits(Pending, Reason.WaitingForWindow).after(RESYNC)
                                .says("no window in the next four weeks is long enough")),
                row("window: no rate measured yet on this database -> builds in the open window, no estimate",
                        given().spec(windows(TUESDAY_11_UTC)).guards(read(7200 * MB, null)),
                        startsJob(BUILD, SQL_BUILD).status(s -> assertThat(s.getGuards()).isNull())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void windowGate(Row row) {
        DecisionTableTest.check(row);
    }

    @Test
    void theRunningBuildsEtaComesFromItsMeasuredProgressRate() {
        // the job started 90s before NOW and is at 30% (BuildWatch's percent of "building index: scanning table")
        DecisionTableSupport.Given g = given().wasBuilding().launched()
                .jobInFlight(BUILD, DecisionTableSupport.progress("building index: scanning table", 60, 100));
        var status = g.run().status();
        int pct = status.getProgress().getPercent();
        assertThat(pct).isBetween(1, 99);
        assertThat(status.getGuards().getEta()).as("eta").isEqualTo(DecisionTableSupport.NOW.minusSeconds(90)
                .plusSeconds(90L * 100 / pct).toString());
    }

    @Test
    void ourBuildFoundAfterARestartGetsAnEtaToo() {
        // status.build.startedAt is 120s before NOW (launched()); the progress row says 60 of 100 blocks scanned
        var status = given().wasBuilding().launched().index(Idx.building(DecisionTableSupport.BUILDER_PID)
                .marked(Mark.OURS)).watching(DecisionTableSupport.progress("building index: scanning table", 60, 100))
                .run().status();
        int pct = status.getProgress().getPercent();
        assertThat(status.getGuards().getEta()).isEqualTo(DecisionTableSupport.NOW.minusSeconds(120)
                .plusSeconds(120L * 100 / pct).toString());
    }

    @Test
    void aReadyIndexKeepsNoEta() {
        var status = DecisionTableTest.check(row("ready clears the eta",
                given().wasBuilding().status(s -> new StatusDraft(s).guards().eta("2026-12-01T12:10:00Z"))
                        .index(Idx.valid().marked(Mark.OURS)).same(),
                DecisionTableSupport.Expect.ready(Reason.IndexReady).events("Normal IndexReady"))).status();
        assertThat(Optional.ofNullable(status.getGuards())).isEmpty();
    }
}
