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

    private Timeouts() {
    }

    /** {@code SET [LOCAL] lock_timeout = '<ms>ms'}. */
    static String lockTimeout(boolean local, Duration d) {
        return "SET " + (local ? "LOCAL " : "") + "lock_timeout = '" + d.toMillis() + "ms'";
    }
}
