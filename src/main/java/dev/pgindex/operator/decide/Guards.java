package dev.pgindex.operator.decide;

import dev.pgindex.operator.postgres.GuardObservation;
import dev.pgindex.operator.spec.LagLimits;
import dev.pgindex.operator.spec.Windows;

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
}
