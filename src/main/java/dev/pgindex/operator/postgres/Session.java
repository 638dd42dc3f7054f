package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * One short monitor session (autocommit, never idle in a transaction): the observation of a reconcile and the
 * quick statements that act on it. Every failure arrives as a classified {@link DatabaseException}.
 */
public final class Session implements AutoCloseable {
    private final Connection c;

    private Session(Connection c) {
        this.c = c;
    }

    public static Session open(Databases databases, ConnectionInfo info) throws DatabaseException {
        try {
            return new Session(databases.monitor(info));
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /**
     * Reads the observation of one reconcile (see {@link Observation} for what is read when).
     *
     * @param ownerUid         this resource's UID
     * @param ourHashes        the spec hashes our mark may carry for this spec
     * @param lookForBuilder   read our builder session even when the index exists and is not being built (a
     *                         REINDEX is pending, or the resource is being deleted)
     * @param primaryKeyWanted spec.constraint asks for a primary key
     */
    public Observation observe(IndexDefinition def, String ownerUid, Set<String> ourHashes, boolean lookForBuilder,
            boolean primaryKeyWanted) throws DatabaseException {
        try {
            return Observer.observe(c, def, new Observer.Needs(ownerUid, ourHashes,
                    Databases.builderApplicationName(ownerUid), lookForBuilder, primaryKeyWanted));
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** Progress and blockers of the build running in backend {@code pid}. */
    public Observation.Watch watch(int pid, IndexDefinition def) throws DatabaseException {
        try {
            return Observer.watch(c, pid, def);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /**
     * What the guards need before a job starts ({@link GuardObservation}): a pooler probe on one extra short
     * connection, and the table's size when asked. Run only when a decision would start a job.
     */
    public GuardObservation guards(Databases databases, ConnectionInfo info, GuardObservation.Needs needs)
            throws DatabaseException {
        try {
            return GuardReads.read(databases, info, c, needs);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** Size and usage counters of the index on this server (one statement), empty when it is not a plain index. */
    public java.util.Optional<UsageReads.Reading> usage(String schema, String index) throws DatabaseException {
        try {
            return UsageReads.read(c, schema, index);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /**
     * The checks after Ready that are due ({@link HealthObservation}): the collations of index {@code indexOid},
     * whether amcheck is installed, pgstattuple or the bloat estimate.
     */
    public HealthObservation health(long indexOid, int serverVersion, boolean collations, boolean amcheck,
            boolean bloat) throws DatabaseException {
        try {
            return new HealthObservation(collations ? java.util.Optional.of(Collations.of(c, indexOid, serverVersion))
                    : java.util.Optional.empty(), amcheck ? java.util.Optional.of(Amcheck.installed(c))
                    : java.util.Optional.empty(), bloat ? java.util.Optional.of(Bloat.read(c, indexOid))
                    : java.util.Optional.empty());
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** COMMENT ON INDEX (the ownership mark, or null to release it). */
    public void comment(String schema, String index, String text) throws DatabaseException {
        try (Statement s = c.createStatement()) {
            s.execute(Ddl.commentOnIndex(schema, index, text));
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /**
     * Runs quick DDL that needs a strong lock in one transaction with the {@link Timeouts#SHORT_LOCK} lock_timeout:
     * while it queues for its lock it holds up every later writer of the table, so it gives up fast instead and
     * the caller retries with backoff.
     */
    public void shortLock(java.util.List<String> statements) throws DatabaseException {
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(Timeouts.lockTimeout(true, Timeouts.SHORT_LOCK));
                for (String sql : statements) {
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** The catalog state of one PostgresConstraint (see {@link ConstraintObservation}). */
    public ConstraintObservation observeConstraint(ConstraintDefinition def, String ownerUid)
            throws DatabaseException {
        try {
            return ConstraintCatalog.observe(c, def, ownerUid);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /**
     * {@link #shortLock} while holding the operator's advisory locks of {@code tableOids} (see {@link BuildSlots}),
     * so it never runs beside a build, a VALIDATE or another constraint's step on those tables. False when one of
     * them is busy: nothing was sent.
     */
    public boolean shortLockOnTables(java.util.List<Long> tableOids, java.util.List<String> statements)
            throws DatabaseException {
        try {
            if (!BuildSlots.tryLockTables(c, tableOids)) {
                return false;
            }
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
        try {
            shortLock(statements);
            return true;
        } finally {
            try {
                BuildSlots.unlockTables(c, tableOids);
            } catch (SQLException e) {
                close(); // a session that may still hold the locks is not reused: closing releases them
            }
        }
    }

    /** Sessions holding locks on the tables, one line each (what a short-lock step that timed out waited for). */
    public java.util.List<String> lockHolders(java.util.List<Long> tableOids) throws DatabaseException {
        try {
            return ConstraintCatalog.lockHolders(c, tableOids);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** The sessions a running statement of ours waits for, one line each. */
    public java.util.List<String> blockersOf(int pid) throws DatabaseException {
        try {
            return Blocker.of(c, pid, 200, 5).stream().map(Blocker::summary).toList();
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** Runs one quick statement (a COMMENT) on this session under its monitor lock_timeout. */
    public void execute(String sql) throws DatabaseException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /** Asks our own backend (same role) to cancel its current statement. */
    public boolean cancel(int pid) throws DatabaseException {
        try {
            return Catalog.cancelBackend(c, pid);
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    /**
     * pg_terminate_backend or pg_cancel_backend of a session (spec.blockingSessions), with a bind parameter. False
     * when the pid is no longer a backend; a role that may not signal it gets a DatabaseException (42501: it needs
     * pg_signal_backend, or the session's own role; a superuser's session only a superuser).
     */
    public boolean endSession(int pid, boolean terminate) throws DatabaseException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(terminate
                ? "SELECT pg_catalog.pg_terminate_backend(?)" : "SELECT pg_catalog.pg_cancel_backend(?)")) {
            ps.setInt(1, pid);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw DatabaseException.of(e);
        }
    }

    @Override
    public void close() {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken session
        }
    }
}
