package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.postgres.GuardObservation;
import dev.pgindex.operator.spec.Windows;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.stalls;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.startsJob;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.BUILD;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static org.assertj.core.api.Assertions.assertThat;

/** The pooler gate ({@code PoolerGate}): no job through a connection that is not one stable PostgreSQL session. */
class PoolerGateDecisionTest {
    static final String EVIDENCE = "the PostgreSQL backend changed from pid 101 to 102 between two transactions on "
            + "one connection";

    static Guards pooled() {
        return new Guards(Windows.NONE, new GuardObservation(true, false, EVIDENCE, -1, GuardObservation.ReplicaLag.NOT_READ), null);
    }

    static Guards direct() {
        return new Guards(Windows.NONE, new GuardObservation(true, true, null, -1, GuardObservation.ReplicaLag.NOT_READ), null);
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("pooler: one stable session (direct, or a session-mode pool) -> builds",
                        given().guards(direct()),
                        startsJob(BUILD, DecisionTableTest.SQL_BUILD)),
                row("pooler: the backend changed between transactions -> Stalled PoolerNotSupported, re-checked",
                        given().guards(pooled()),
                        stalls(Reason.PoolerNotSupported).after(DecisionTableSupport.SETTINGS.permanentRecheckBase())
                                .events("Warning PoolerNotSupported")
                                .says(EVIDENCE, "Point the Secret at the database itself (for CloudNativePG, the -rw "
                                        + "service, not the Pooler)")
                                .status(s -> {
                                    assertThat(s.getLastError().getReason()).isEqualTo(Reason.PoolerNotSupported);
                                    assertThat(s.getAttempts()).as("no attempt spent").isNull();
                                })),
                row("pooler: a REINDEX through a transaction pooler -> Stalled PoolerNotSupported too",
                        given().guards(pooled()).wasReady().rebuild("r1").index(Idx.valid().marked(Mark.OURS)),
                        stalls(Reason.PoolerNotSupported).events("Warning PoolerNotSupported")),
                row("pooler: nothing read yet (the engine reads before any job start) -> the decision stands",
                        given(),
                        startsJob(BUILD, DecisionTableTest.SQL_BUILD)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void poolerGate(Row row) {
        DecisionTableTest.check(row);
    }
}
