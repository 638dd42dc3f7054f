package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One row of pg_stat_progress_create_index for a builder backend, and a phase-aware percentage. PostgreSQL has no
 * single "percent done": each phase gets a weight from its relative work (the two heap scans dominate), progress
 * inside a phase comes from that phase's own counter, and the wait phases do not move the bar (they are reported
 * as blockers instead). Counters of a previous phase are never used: blocks_* are not reset when a wait starts.
 */
public record Progress(int pid, String command, String phase, long lockersTotal, long lockersDone,
        int currentLockerPid, long blocksTotal, long blocksDone, long tuplesTotal, long tuplesDone) {

    public static Optional<Progress> read(Connection c, int pid) throws SQLException {
        String sql = "SELECT pid, command, phase, lockers_total, lockers_done, current_locker_pid, blocks_total, "
                + "blocks_done, tuples_total, tuples_done FROM pg_catalog.pg_stat_progress_create_index WHERE pid = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Progress(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getLong(5), rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10)));
            }
        }
    }

    public boolean waiting() {
        return phase != null && phase.startsWith("waiting");
    }

    /** 0 to 100, from the weights of postgres-cic-facts.md section 1.3 (A.1). */
    public int percent() {
        double p;
        String ph = phase == null ? "" : phase;
        if (ph.equals("building index: scanning table")) {
            p = 0.35 * fraction(blocksDone, blocksTotal);
        } else if (ph.startsWith("building index: sorting")) {
            p = 0.35;
        } else if (ph.equals("building index: loading tuples in tree")) {
            p = 0.45 + 0.10 * fraction(tuplesDone, tuplesTotal);
        } else if (ph.startsWith("building index")) {
            // other access methods report no subphase: the table scan is most of the build
            p = 0.55 * fraction(blocksDone, blocksTotal);
        } else if (ph.equals("waiting for writers before validation")) {
            p = 0.55;
        } else if (ph.equals("index validation: scanning index")) {
            p = 0.55 + 0.10 * fraction(blocksDone, blocksTotal);
        } else if (ph.equals("index validation: sorting tuples")) {
            p = 0.65;
        } else if (ph.equals("index validation: scanning table")) {
            p = 0.70 + 0.30 * fraction(blocksDone, blocksTotal);
        } else if (ph.equals("waiting for old snapshots") || ph.startsWith("waiting for readers")) {
            p = 0.99;
        } else {
            p = 0; // initializing, waiting for writers before build
        }
        return (int) Math.max(0, Math.min(99, Math.floor(p * 100)));
    }

    private static double fraction(long done, long total) {
        return total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    }
}
