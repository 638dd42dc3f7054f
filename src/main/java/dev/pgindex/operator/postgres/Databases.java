package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the operator's connections. Every session is autocommit, has standard_conforming_strings on, no
 * lock_timeout or statement_timeout inherited from the role, and an application_name that names its purpose, so
 * a monitoring session never idles inside a transaction and a builder session is easy to find in pg_stat_activity.
 * Monitor sessions carry the {@link Timeouts} statement and lock timeouts; builder sessions carry no lock_timeout
 * (it would kill CREATE INDEX CONCURRENTLY during its internal waits) and the build deadline as statement_timeout.
 */
public final class Databases {
    public static final String MONITOR_APPLICATION = "pgindex-operator";
    public static final String BUILDER_APPLICATION_PREFIX = "pgindex-build:";

    private final int connectTimeoutSeconds;
    private final int monitorSocketTimeoutSeconds;

    public Databases(int connectTimeoutSeconds, int monitorSocketTimeoutSeconds) {
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        this.monitorSocketTimeoutSeconds = monitorSocketTimeoutSeconds;
    }

    /** A short-lived session for catalog reads and quick DDL (comments, drops). */
    public Connection monitor(ConnectionInfo info) throws SQLException {
        Connection c = DriverManager.getConnection(info.jdbcUrl(),
                info.properties(MONITOR_APPLICATION, connectTimeoutSeconds, monitorSocketTimeoutSeconds));
        prepare(c, Timeouts.MONITOR_STATEMENT.toMillis(), Timeouts.MONITOR_LOCK.toMillis());
        return c;
    }

    /** The dedicated session for one build; no socket timeout, since a build may legitimately run for hours. */
    public Connection builder(ConnectionInfo info, String owner, long statementTimeoutMillis) throws SQLException {
        Connection c = DriverManager.getConnection(info.jdbcUrl(),
                info.properties(builderApplicationName(owner), connectTimeoutSeconds, 0));
        prepare(c, statementTimeoutMillis, 0);
        return c;
    }

    /**
     * Loads and initialises the JDBC driver without connecting anywhere, so that the first reconcile after a start
     * does not pay for it (a few hundred classes).
     */
    public static void warmUp() throws SQLException {
        DriverManager.getDriver("jdbc:postgresql://localhost:5432/postgres");
        SqlErrors.classify(new SQLException("warm-up", "57014"));
    }

    /** application_name of the builder session for a resource; at most 63 bytes. */
    public static String builderApplicationName(String owner) {
        String name = BUILDER_APPLICATION_PREFIX + owner;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    private static void prepare(Connection c, long statementTimeoutMillis, long lockTimeoutMillis)
            throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            // one round trip: the driver sends the four in one batch
            s.execute("SET standard_conforming_strings = on; SET lock_timeout = " + Math.max(0, lockTimeoutMillis)
                    + "; SET idle_in_transaction_session_timeout = 0; SET statement_timeout = "
                    + Math.max(0, statementTimeoutMillis));
        }
    }
}
