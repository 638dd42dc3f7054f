package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReplicaLagLimit;
import dev.pgindex.operator.decide.DecisionTableSupport.Idx;
import dev.pgindex.operator.decide.DecisionTableSupport.Mark;
import dev.pgindex.operator.decide.DecisionTableSupport.Node;
import dev.pgindex.operator.decide.DecisionTableSupport.Row;
import dev.pgindex.operator.postgres.GuardObservation;
import dev.pgindex.operator.spec.LagLimits;
import dev.pgindex.operator.spec.Windows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.pgindex.operator.api.v1alpha1.Phase.Pending;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.stalls;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.startsJob;
import static dev.pgindex.operator.decide.DecisionTableSupport.Expect.waits;
import static dev.pgindex.operator.decide.DecisionTableSupport.Kind.BUILD;
import static dev.pgindex.operator.decide.DecisionTableSupport.given;
import static dev.pgindex.operator.decide.DecisionTableSupport.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replication lag gate ({@code ReplicaLagGate}) on every kind of job start. ReplicaLagTest: a real standby. */
public class ReplicaLagGateDecisionTest {
    static final long MI = 1L << 20;

    public static ReplicaLagLimit limit(String maxLag, String maxBytes) {
        ReplicaLagLimit l = new ReplicaLagLimit();
        l.setMaxLag(maxLag);
        l.setMaxBytes(maxBytes);
        return l;
    }

    static Guards lag(long bytes, long lagMillis) {
        return new Guards(Windows.NONE, new GuardObservation(true, true, null, -1, new GuardObservation.ReplicaLag(
                true, bytes, bytes > 0 ? "standby 'replica1'" : null, lagMillis, lagMillis > 0 ? "standby 'replica1'"
                : null, null)), null);
    }

    static Guards cannotRead() {
        return new Guards(Windows.NONE, new GuardObservation(true, true, null, -1, new GuardObservation.ReplicaLag(
                true, 0, null, 0, null, "the role cannot read the replication lag (...): GRANT pg_monitor TO "
                + "pgindex_operator, or remove spec.replicaLag")), null); // as GuardReads reads it (ReplicaLagTest)
    }

    static Stream<Row> rows() {
        Idx parentOurs = Idx.invalid().relkind('I').marked(Mark.OURS);
        return Stream.of(
                row("lag: 40 MiB behind, limit 16Mi -> Pending WaitingForReplicaLag, measured again after 10s",
                        given().spec(s -> s.setReplicaLag(limit(null, "16Mi"))).guards(lag(40 * MI, 0)),
                        waits(Pending, Reason.WaitingForReplicaLag).after(DecisionTableSupport.SETTINGS.retryBackoffBase())
                                .says("waits for the standbys to catch up: 40.0 MiB behind on standby 'replica1' "
                                        + "(limit 16.0 MiB)")
                                .status(s -> {
                                    assertThat(s.getGuards().getReplicaLag()).isEqualTo("40.0 MiB behind on standby "
                                            + "'replica1'");
                                    assertThat(s.getGuards().getWaiting()).startsWith("WaitingForReplicaLag: 40.0 MiB");
                                })),
                row("lag: 1 MiB behind, limit 16Mi -> builds, the measured lag in status",
                        given().spec(s -> s.setReplicaLag(limit(null, "16Mi"))).guards(lag(MI, 0)),
                        startsJob(BUILD, DecisionTableTest.SQL_BUILD).status(s -> assertThat(s.getGuards()
                                .getReplicaLag()).isEqualTo("1.0 MiB behind on standby 'replica1'"))),
                row("lag: replay lag 45s over a 30s limit -> waits",
                        given().spec(s -> s.setReplicaLag(limit("30s", null))).guards(lag(0, 45_000)),
                        waits(Pending, Reason.WaitingForReplicaLag).says("replay lag 45s on standby 'replica1' (limit 30s)")),
                row("lag: the operator's default limit applies to a resource without spec.replicaLag",
                        given().guards(new Guards(Windows.NONE, lag(40 * MI, 0).seen(), null,
                                LagLimits.of(null, limit(null, "1Mi")))),
                        waits(Pending, Reason.WaitingForReplicaLag)),
                row("lag: the next partition leaf is held back too",
                        given().spec(s -> s.setReplicaLag(limit(null, "16Mi"))).guards(lag(40 * MI, 0)).wasBuilding()
                                .partitionedTable(Node.leaf("t_p1", 201).done(), Node.leaf("t_p2", 202)).index(parentOurs),
                        waits(Pending, Reason.WaitingForReplicaLag).says("the build of public.t_idx_t_p2 waits")),
                row("lag: the role cannot read it -> Stalled InsufficientPrivilege naming the grant, never 'no lag'",
                        given().spec(s -> s.setReplicaLag(limit("30s", null))).guards(cannotRead()),
                        stalls(Reason.InsufficientPrivilege).events("Warning InsufficientPrivilege")
                                .says("GRANT pg_monitor TO pgindex_operator")),
                row("lag: no limit set -> the lag is not looked at",
                        given().guards(lag(40 * MI, 0)),
                        startsJob(BUILD, DecisionTableTest.SQL_BUILD).status(s -> assertThat(s.getGuards()).isNull())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void replicaLagGate(Row row) {
        DecisionTableTest.check(row);
    }

    @Test
    void sizesAreBytesOrBinarySuffixes() {
        assertThat(LagLimits.bytes("512Mi")).isEqualTo(512L << 20);
        assertThat(LagLimits.bytes("2Gi")).isEqualTo(2L << 30);
        assertThat(LagLimits.bytes("1048576")).isEqualTo(1048576L);
        assertThatThrownBy(() -> LagLimits.bytes("1GB")).hasMessageContaining("is not a size such as 512Mi");
        assertThatThrownBy(() -> LagLimits.of(limit("1 min", null), null)).hasMessageContaining("is not a duration");
    }
}
