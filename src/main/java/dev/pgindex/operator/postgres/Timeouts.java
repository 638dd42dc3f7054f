package dev.pgindex.operator.postgres;

import java.time.Duration;

/** Every timeout the operator's sessions set, in one place, with the reason for each. */
public final class Timeouts {
    /**
     * Quick DDL that needs a strong lock (ON ONLY, ATTACH, ADD/DROP CONSTRAINT, DROP of a partitioned index): while
     * it queues for its lock it holds up every later writer of the table, so it gives up fast and is retried.
     */
    public static final Duration SHORT_LOCK = Duration.ofSeconds(2);
    /** Monitor sessions: catalog reads and COMMENT ON INDEX never wait long for a lock. */
    public static final Duration MONITOR_LOCK = Duration.ofSeconds(5);
    /** Monitor sessions: no catalog read runs longer than this. */
    public static final Duration MONITOR_STATEMENT = Duration.ofSeconds(30);
    /** The candidate check on an empty temporary copy of the table (it takes a brief lock to read the table). */
    public static final Duration CANDIDATE_LOCK = Duration.ofSeconds(5);
    /**
     * The ownership COMMENT after a build, on the builder's own session; a little more patient than a monitor
     * session, since a failed follow-up costs a later reconcile a crash-window check.
     */
    public static final Duration FOLLOW_UP_LOCK = Duration.ofSeconds(10);
    /** The kubectl plugin's reads span a whole database (import, audit), so they may run longer than a reconcile's. */
    public static final Duration PLUGIN_STATEMENT = Duration.ofSeconds(120);
    /** The plugin holds a transaction open around each scratch build; a stalled client is cut off after this. */
    public static final Duration PLUGIN_IDLE_IN_TRANSACTION = Duration.ofSeconds(300);

    private Timeouts() {
    }

    /** The settings of the kubectl plugin's session, in order (its locks wait as long as a monitor session's). */
    public static java.util.List<String> pluginSession() {
        return java.util.List.of("SET standard_conforming_strings = on", lockTimeout(false, MONITOR_LOCK),
                "SET statement_timeout = '" + PLUGIN_STATEMENT.toMillis() + "ms'",
                "SET idle_in_transaction_session_timeout = '" + PLUGIN_IDLE_IN_TRANSACTION.toMillis() + "ms'");
    }

    /** {@code SET [LOCAL] lock_timeout = '<ms>ms'}. */
    static String lockTimeout(boolean local, Duration d) {
        return "SET " + (local ? "LOCAL " : "") + "lock_timeout = '" + d.toMillis() + "ms'";
    }
}
