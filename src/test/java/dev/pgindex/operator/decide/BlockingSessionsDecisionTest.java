package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BlockerAction;
import dev.pgindex.operator.api.v1alpha1.BlockingSessionsPolicy;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.DecisionTableSupport.Expect;
import dev.pgindex.operator.decide.DecisionTableSupport.Given;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Outcome;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.decide.step.BlockingSessionsStep;
import dev.pgindex.operator.decide.step.InFlightJobStep;
import dev.pgindex.operator.postgres.Blocker;
import dev.pgindex.operator.postgres.Observation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.pgindex.operator.api.v1alpha1.Phase.Building;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.waits;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.BUILD;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * spec.blockingSessions on a running build of this process ({@code BlockingSessionsStep} after
 * {@code InFlightJobStep}): only sessions that block this build, only after the grace period, only those matching
 * every list given; Report ends nothing. BlockingSessionsTest proves it on a real PostgreSQL.
 */
public class BlockingSessionsDecisionTest {
    static final String UPDATE = "UPDATE t SET a = 1";

    static Blocker idle(int pid, String app) {
        return new Blocker(pid, "app", app, "idle in transaction", 400L, 390L, UPDATE, "virtualxid");
    }

    static Blocker active(int pid, String app) {
        return new Blocker(pid, "app", app, "active", 400L, 390L, "SELECT pg_sleep(3600)", "virtualxid");
    }

    static Observation.Watch blocked(Blocker... b) {
        return new Observation.Watch(DecisionTableSupport.BUILDER_PID, Optional.empty(), List.of(b), Optional.empty());
    }

    public static BlockingSessionsPolicy policy(BlockerAction action, String grace, List<String> apps, List<String> roles,
            List<String> states) {
        BlockingSessionsPolicy p = new BlockingSessionsPolicy();
        p.setAction(action);
        p.setGracePeriod(grace);
        p.setApplicationNames(apps == null ? null : new ArrayList<>(apps));
        p.setRoles(roles == null ? null : new ArrayList<>(roles));
        p.setStates(states == null ? null : new ArrayList<>(states));
        return p;
    }

    static BlockingSessionsPolicy terminateReports() {
        return policy(BlockerAction.Terminate, "5m", List.of("nightly-*"), null, null);
    }

    /** Our build, blocked for {@code minutes}, watched showing {@code w}, with {@code p} as spec.blockingSessions. */
    static Given running(BlockingSessionsPolicy p, long minutes, Observation.Watch w) {
        Given g = given().spec(s -> s.setBlockingSessions(p)).wasBuilding().launched().blockedSince(ofMinutes(minutes))
                .status(s -> s.getBuild().setBlockedWarningSent(true)); // its BuildBlocked event was raised before
        g.action = gg -> {
            DecisionContext ctx = gg.context();
            return Outcome.of(BlockingSessionsStep.decide(ctx, InFlightJobStep.decide(ctx,
                    DecisionTableSupport.job(BUILD), Optional.of(w)), Optional.of(w)));
        };
        g.deterministic = false; // the in-flight message says how long the job ran, by the wall clock
        return g;
    }

    static Expect ends(int pid, boolean terminate, String... eventFragments) {
        Expect e = new Expect();
        e.type = Decision.EndSessions.class;
        e.checks.add(o -> {
            Decision.EndSessions d = (Decision.EndSessions) o.decision();
            assertThat(d.targets()).extracting(Decision.EndSessions.SessionToEnd::pid).containsExactly(pid);
            assertThat(d.targets().get(0).terminate()).isEqualTo(terminate);
            assertThat(d.targets().get(0).done().reason()).isEqualTo(terminate ? Reason.BlockingSessionTerminated
                    : Reason.BlockingSessionCancelled);
            assertThat(d.targets().get(0).done().message()).contains(eventFragments);
            assertThat(d.requeue()).isEqualTo(DecisionTableSupport.SETTINGS.buildPollInterval());
        });
        return e;
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("blockers: Report (the default) after an hour -> ends nothing, names the blocker",
                        running(null, 60, blocked(idle(7001, "nightly-report"))),
                        waits(Building, Reason.WaitingForTransactions).says("waiting for pid 7001")),
                row("blockers: Terminate, a matching idle transaction past the grace period -> terminated, with its event",
                        running(terminateReports(), 6, blocked(idle(7001, "nightly-report"))),
                        ends(7001, true, "terminated pid 7001 (role app, application 'nightly-report', idle in "
                                + "transaction, transaction open 400s) that had blocked the build of public.t_idx "
                                + "for 6m", "its query: " + UPDATE)),
                row("blockers: Terminate, within the grace period -> waits, ends nothing",
                        running(terminateReports(), 2, blocked(idle(7001, "nightly-report"))),
                        waits(Building, Reason.WaitingForTransactions)),
                row("blockers: Terminate, a blocker that matches no list entry -> untouched, still named",
                        running(terminateReports(), 60, blocked(idle(7002, "psql"))),
                        waits(Building, Reason.WaitingForTransactions).says("waiting for pid 7002")
                                .status(s -> assertThat(s.getBlockedBy()).startsWith("pid 7002"))),
                row("blockers: Terminate, one of two matches -> only that one",
                        running(terminateReports(), 60, blocked(idle(7002, "psql"), idle(7001, "nightly-report"))),
                        ends(7001, true, "pid 7001")),
                row("blockers: Terminate, a role and a state that must both match; the state does not -> untouched",
                        running(policy(BlockerAction.Terminate, "1m", null, List.of("app"), List.of("active")), 60,
                                blocked(idle(7001, "nightly-report"))),
                        waits(Building, Reason.WaitingForTransactions)),
                row("blockers: Terminate, role and state match -> terminated",
                        running(policy(BlockerAction.Terminate, "1m", null, List.of("app"),
                                List.of("Idle In Transaction")), 60, blocked(idle(7001, "nightly-report"))),
                        ends(7001, true, "pid 7001")),
                row("blockers: Cancel on an idle transaction -> nothing sent (a cancel does nothing to it), said in status",
                        running(policy(BlockerAction.Cancel, "1m", List.of("nightly-report"), null, null), 60,
                                blocked(idle(7001, "nightly-report"))),
                        waits(Building, Reason.WaitingForTransactions).status(s -> assertThat(s.getGuards()
                                .getBlockingSessions()).isEqualTo("pid 7001 is idle in transaction: a cancel does "
                                + "nothing to a session that runs no statement (only action Terminate ends it)"))),
                row("blockers: Cancel on a session running a statement -> its statement is cancelled",
                        running(policy(BlockerAction.Cancel, "1m", List.of("nightly-report"), null, null), 60,
                                blocked(active(7001, "nightly-report"))),
                        ends(7001, false, "cancelled the statement of pid 7001", "SELECT pg_sleep(3600)")),
                row("blockers: our build from before a restart (status.build's pid), blocked past the grace period "
                        + "-> terminated too", given().spec(sp -> sp.setBlockingSessions(terminateReports()))
                                .wasBuilding().launched().blockedSince(ofMinutes(6))
                                .status(st -> st.getBuild().setBlockedWarningSent(true))
                                .index(Idx.building(DecisionTableSupport.BUILDER_PID).marked(Mark.OURS))
                                .watching(blocked(idle(7001, "nightly-report"))),
                        ends(7001, true, "terminated pid 7001")),
                row("blockers: someone else's build of our index (a DBA's REINDEX) -> the policy stays out of it",
                        given().spec(sp -> sp.setBlockingSessions(terminateReports()))
                                .wasReady().blockedSince(ofMinutes(6))
                                .index(Idx.building(4243).marked(Mark.OURS))
                                .watching(blocked(idle(7001, "nightly-report"))),
                        waits(Building, Reason.WaitingForTransactions)),
                row("blockers: Terminate, a pid the operator already failed to end -> not tried again",
                        running(terminateReports(), 60, blocked(idle(7001, "nightly-report")))
                                .status(s -> {
                                    if (s.getGuards() == null) {
                                        s.setGuards(new dev.pgindex.operator.api.v1alpha1.GuardStatus());
                                    }
                                    s.getGuards().setNotEnded(new ArrayList<>(List.of(7001)));
                                }),
                        waits(Building, Reason.WaitingForTransactions)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void blockingSessions(Row row) {
        DecisionTableTest.check(row);
    }
}
