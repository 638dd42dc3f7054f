package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Cross-replica limits, as session-level advisory locks taken on the builder's own autocommit connection: one lock
 * per table (never two builds on one table) and one of N slot locks per database (at most N builds per database).
 * The locks live exactly as long as the builder backend, so an orphaned build (operator killed, backend still
 * running) keeps its slot until it really ends, and a crashed backend frees it at once. No transaction stays open.
 */
public final class BuildSlots {
    static final long TABLE_KEY_BASE = 0x7067_6974_0000_0000L; // "pgit" + table oid
    static final long SLOT_KEY_BASE = 0x7067_6973_0000_0000L; // "pgis" + slot number

    private BuildSlots() {
    }

    /** Takes the table lock and a free database slot; false (holding nothing) if either is busy. */
    public static boolean tryAcquire(Connection c, long tableOid, int slotsPerDatabase) throws SQLException {
        if (!tryLock(c, TABLE_KEY_BASE | tableOid)) {
            return false;
        }
        for (int slot = 0; slot < Math.max(1, slotsPerDatabase); slot++) {
            if (tryLock(c, SLOT_KEY_BASE | slot)) {
                return true;
            }
        }
        unlock(c, TABLE_KEY_BASE | tableOid);
        return false;
    }

    /**
     * Takes the table locks of {@code tableOids} on a monitor session, for a short-lock step that must not run
     * while a build, a VALIDATE or another constraint's step holds one of the tables; false (holding nothing) if
     * one is busy. The caller releases them with {@link #unlockTables} in a finally block.
     */
    public static boolean tryLockTables(Connection c, java.util.List<Long> tableOids) throws SQLException {
        java.util.List<Long> taken = new java.util.ArrayList<>();
        for (long oid : tableOids) {
            if (!tryLock(c, TABLE_KEY_BASE | oid)) {
                unlockTables(c, taken);
                return false;
            }
            taken.add(oid);
        }
        return true;
    }

    public static void unlockTables(Connection c, java.util.List<Long> tableOids) throws SQLException {
        for (long oid : tableOids) {
            unlock(c, TABLE_KEY_BASE | oid);
        }
    }

    /** Takes the table lock only (no database slot): a read job that shares the table with no other job. */
    public static boolean tryLockTable(Connection c, long tableOid) throws SQLException {
        return tryLock(c, TABLE_KEY_BASE | tableOid);
    }

    private static boolean tryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        }
    }
}
