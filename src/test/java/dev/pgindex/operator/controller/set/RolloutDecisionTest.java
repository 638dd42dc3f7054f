package dev.pgindex.operator.controller.set;

import dev.pgindex.operator.api.v1alpha1.SetReason;
import dev.pgindex.operator.controller.set.Rollout.Hold;
import dev.pgindex.operator.controller.set.Rollout.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The rollout of a PostgresIndexSet as a decision table: each row is the targets in rollout order with the state
 * of their PostgresIndex, the limits, and what must start, why the rest wait, and what the set's conditions say.
 * Pure functions, no cluster and no database: the whole table runs in milliseconds.
 *
 * <p>Targets are written {@code database/schema:state} with state {@code -} absent (no PostgresIndex yet),
 * {@code W} waiting, {@code B} building, {@code R} ready, {@code S} stalled, {@code T} table missing. Limits are
 * {@code canary/maxInFlight/failureBudget/perDatabase}.
 */
class RolloutDecisionTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                // the canary goes first and alone
                row("a fresh set starts its canary only", "1/4/1/1",
                        "a/s1:- a/s2:- b/s1:- b/s2:-", "a/s1", Hold.CANARY, SetReason.CanaryInProgress),
                row("a building canary holds the rest", "1/4/1/1",
                        "a/s1:B a/s2:- b/s1:- b/s2:-", "", Hold.CANARY, SetReason.CanaryInProgress),
                row("a ready canary lets the rest start, one per database", "1/4/1/1",
                        "a/s1:R a/s2:- a/s3:- b/s1:- b/s2:-", "a/s2 b/s1", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("a canary of two needs both", "2/4/1/1",
                        "a/s1:R a/s2:B b/s1:-", "", Hold.CANARY, SetReason.CanaryInProgress),
                row("a canary of two takes one per database", "2/4/1/1",
                        "a/s1:- a/s2:- b/s1:-", "a/s1", Hold.CANARY, SetReason.CanaryInProgress),
                row("a canary of zero starts everything within the bounds", "0/4/1/1",
                        "a/s1:- a/s2:- b/s1:- c/s1:-", "a/s1 b/s1 c/s1", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("a canary schema without the table passes the canary to the next target", "1/4/1/1",
                        "a/public:T a/t1:- a/t2:-", "a/t1", Hold.CANARY, SetReason.CanaryInProgress),
                row("a canary without the table and a ready successor: the rest starts", "1/4/1/1",
                        "a/public:T a/t1:R a/t2:-", "a/t2", Hold.NONE, SetReason.RollingOut),
                // the bound on targets in flight
                row("maxInFlight bounds the targets started across databases", "0/2/1/1",
                        "a/s1:- b/s1:- c/s1:- d/s1:-", "a/s1 b/s1", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("targets in flight count against maxInFlight", "0/2/1/1",
                        "a/s1:B b/s1:W c/s1:- d/s1:-", "", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("never more in one database than its build slots", "0/10/1/1",
                        "a/s1:B a/s2:- a/s3:- b/s1:-", "b/s1", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("two build slots per database allow two", "0/10/1/2",
                        "a/s1:- a/s2:- a/s3:-", "a/s1 a/s2", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("a settled target frees its slot", "0/10/1/1",
                        "a/s1:R a/s2:T a/s3:-", "a/s3", Hold.NONE, SetReason.RollingOut),
                // the failure budget
                row("one stalled target with a budget of one stops every start", "1/4/1/1",
                        "a/s1:R a/s2:S b/s1:- b/s2:-", "", Hold.FAILURE_BUDGET, SetReason.FailureBudgetExhausted),
                row("a budget of two tolerates one stalled target", "1/4/2/1",
                        "a/s1:R a/s2:S b/s1:- b/s2:-", "b/s1", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("a budget of two stops at the second", "1/4/2/1",
                        "a/s1:R a/s2:S b/s1:S b/s2:-", "", Hold.FAILURE_BUDGET, SetReason.FailureBudgetExhausted),
                row("a stalled canary exhausts the budget before the canary rule", "1/4/1/1",
                        "a/s1:S a/s2:-", "", Hold.FAILURE_BUDGET, SetReason.FailureBudgetExhausted),
                row("targets without the table never count against the budget", "1/4/1/1",
                        "a/s1:R a/s2:T a/s3:T b/s1:-", "b/s1", Hold.NONE, SetReason.RollingOut),
                row("the fixed target resumes the rollout", "1/4/1/1",
                        "a/s1:R a/s2:R b/s1:- b/s2:-", "b/s1", Hold.IN_FLIGHT, SetReason.RollingOut),
                row("budget reached with nothing left to start: stalled, not waiting", "1/4/1/1",
                        "a/s1:R a/s2:S", "", Hold.NONE, SetReason.TargetsStalled),
                row("a stalled target under the budget with nothing else moving stalls the set", "1/4/3/1",
                        "a/s1:R a/s2:S b/s1:R", "", Hold.NONE, SetReason.TargetsStalled),
                row("a stalled target under the budget while others build: still rolling", "1/4/3/1",
                        "a/s1:R a/s2:S b/s1:B", "", Hold.NONE, SetReason.RollingOut),
                // done
                row("every target ready: the set is Ready", "1/4/1/1",
                        "a/s1:R a/s2:R b/s1:R", "", Hold.NONE, SetReason.AllTargetsReady),
                row("ready except schemas without the table: the set is Ready", "1/4/1/1",
                        "a/public:T a/s1:R b/s1:R", "", Hold.NONE, SetReason.AllTargetsReady),
                row("no targets at all", "1/4/1/1", "", "", Hold.NONE, SetReason.NoTargets));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldDecide(String name, String limits, String targets, String expectStart, Hold expectHold, SetReason expectReason) {
        int[] l = Arrays.stream(limits.split("/")).mapToInt(Integer::parseInt).toArray();
        Rollout.Plan plan = Rollout.decide(parse(targets), new Rollout.Limits(l[0], l[1], l[2], l[3]));
        assertThat(plan.start().stream().map(Rollout.Target::key).toList()).as("started")
                .containsExactlyElementsOf(expectStart.isBlank() ? List.of() : List.of(expectStart.split(" ")));
        assertThat(plan.hold()).as("hold").isEqualTo(expectHold);
        Verdict v = Verdict.of(plan, new Verdict.Discovery(null, List.of(), 0, l[2]));
        assertThat(v.reason()).as("reason: %s", v.message()).isEqualTo(expectReason);
        assertThat(v.kind()).isEqualTo(switch (expectReason) {
            case AllTargetsReady, NoTargets -> Verdict.Kind.READY;
            case FailureBudgetExhausted, TargetsStalled, SecretListForbidden -> Verdict.Kind.STALLED;
            default -> Verdict.Kind.RECONCILING;
        });
    }

    @org.junit.jupiter.api.Test
    void shouldCountEveryTargetOnceAndNameTheStalledOnes() {
        Rollout.Plan plan = Rollout.decide(List.of(new Rollout.Target("a", "s1", State.READY),
                new Rollout.Target("a", "s2", State.STALLED, "UniqueViolation"),
                new Rollout.Target("b", "s1", State.BUILDING), new Rollout.Target("b", "s2", State.WAITING),
                new Rollout.Target("c", "s1", State.ABSENT), new Rollout.Target("c", "public", State.TABLE_MISSING)),
                new Rollout.Limits(1, 4, 1, 1));
        assertThat(List.of(plan.targets(), plan.ready(), plan.building(), plan.waiting(), plan.stalled(),
                plan.tableMissing())).containsExactly(6, 1, 1, 2, 1, 1);
        Verdict v = Verdict.of(plan, new Verdict.Discovery(null, List.of(), 0, 1));
        assertThat(v.message()).contains("1 target(s) Stalled, failure budget 1", "1 target(s) not started",
                "a/s2 (UniqueViolation)");
    }

    @org.junit.jupiter.api.Test
    void shouldStallOnAForbiddenSecretListAndWaitForUnreachableDatabases() {
        Rollout.Plan plan = Rollout.decide(parse("a/s1:R"), new Rollout.Limits(1, 4, 1, 1));
        assertThat(Verdict.of(plan, new Verdict.Discovery("may not list Secrets", List.of(), 0, 1)))
                .extracting(Verdict::kind, Verdict::reason)
                .containsExactly(Verdict.Kind.STALLED, SetReason.SecretListForbidden);
        assertThat(Verdict.of(plan, new Verdict.Discovery(null, List.of("b: connection refused"), 0, 1)))
                .extracting(Verdict::kind, Verdict::reason)
                .containsExactly(Verdict.Kind.RECONCILING, SetReason.DatabasesUnreachable);
    }

    @org.junit.jupiter.api.Test
    void shouldNotBeReadyWhileChildrenOfThePreviousIndexNameRemain() {
        Rollout.Plan plan = Rollout.decide(parse("a/s1:R b/s1:R"), new Rollout.Limits(1, 4, 1, 1));
        assertThat(Verdict.of(plan, new Verdict.Discovery(null, List.of(), 2, 1)).reason())
                .isEqualTo(SetReason.RollingOutNewIndex);
        assertThat(Verdict.of(plan, new Verdict.Discovery(null, List.of(), 0, 1)).reason())
                .isEqualTo(SetReason.AllTargetsReady);
    }

    static Arguments row(String name, String limits, String targets, String start, Hold hold, SetReason reason) {
        return arguments(name, limits, targets, start, hold, reason);
    }

    static List<Rollout.Target> parse(String targets) {
        List<Rollout.Target> out = new ArrayList<>();
        for (String t : targets.split(" ")) {
            if (t.isBlank()) {
                continue;
            }
            String[] dbSchema = t.substring(0, t.indexOf(':')).split("/");
            State state = switch (t.substring(t.indexOf(':') + 1)) {
                case "-" -> State.ABSENT;
                case "W" -> State.WAITING;
                case "B" -> State.BUILDING;
                case "R" -> State.READY;
                case "S" -> State.STALLED;
                case "T" -> State.TABLE_MISSING;
                default -> throw new IllegalArgumentException(t);
            };
            out.add(new Rollout.Target(dbSchema[0], dbSchema[1], state, state == State.STALLED ? "UniqueViolation"
                    : null));
        }
        return out;
    }
}
