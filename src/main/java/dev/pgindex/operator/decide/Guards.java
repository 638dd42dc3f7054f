package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.GuardStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.postgres.GuardObservation;
import dev.pgindex.operator.spec.LagLimits;
import dev.pgindex.operator.spec.Windows;

import java.util.function.Consumer;

/**
 * What the gates of {@code Steps} know besides the observation: the operator's defaults, what was read before a
 * job start ({@link GuardObservation}, {@link GuardObservation#NOT_READ} until the engine reads it), the build
 * rate measured on earlier builds on this database (bytes of table per second, null when none was measured), and
 * the operator's default replication lag limit (null: none).
 */
public record Guards(Windows defaultWindows, GuardObservation seen, Double bytesPerSecond,
        LagLimits defaultReplicaLag) {
    public static final Guards NONE = new Guards(Windows.NONE, GuardObservation.NOT_READ, null, null);

    public Guards(Windows defaultWindows, GuardObservation seen, Double bytesPerSecond) {
        this(defaultWindows, seen, bytesPerSecond, null);
    }

    /** Changes status.guards, creating it when needed and removing it when nothing is left in it. */
    public static void update(PostgresIndexStatus st, Consumer<GuardStatus> change) {
        GuardStatus g = st.getGuards() == null ? new GuardStatus() : st.getGuards();
        change.accept(g);
        boolean empty = g.getWaiting() == null && g.getNextWindow() == null && g.getWindowClosesAt() == null
                && g.getEstimatedBuildTime() == null && g.getEta() == null && g.getBlockingSessions() == null
                && g.getReplicaLag() == null
                && (g.getNotEnded() == null || g.getNotEnded().isEmpty());
        st.setGuards(empty ? null : g);
    }
}
