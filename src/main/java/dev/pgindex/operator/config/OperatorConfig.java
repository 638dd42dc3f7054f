package dev.pgindex.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Operator settings (application.properties or env vars such as PGINDEX_BUILDS_PER_DATABASE). */
@ConfigMapping(prefix = "pgindex")
public interface OperatorConfig {
    /** Concurrent builds allowed per database, across all replicas (advisory-lock slots). Never two per table. */
    @WithDefault("1")
    int buildsPerDatabase();

    /** How often a Ready index is re-checked (dropped out of band, turned invalid). */
    @WithDefault("5m")
    Duration resyncInterval();

    /** How often a running build is looked at. */
    @WithDefault("5s")
    Duration buildPollInterval();

    /** First wait after a transient build failure; doubles per attempt up to retryBackoffMax. */
    @WithDefault("10s")
    Duration retryBackoffBase();

    @WithDefault("10m")
    Duration retryBackoffMax();

    /** First re-check after a permanent failure (missing table, duplicates...); doubles up to the max. */
    @WithDefault("1m")
    Duration permanentRecheckBase();

    @WithDefault("30m")
    Duration permanentRecheckMax();

    /** How long deletion keeps trying to reach the database before it releases the resource anyway. */
    @WithDefault("5m")
    Duration deleteGracePeriod();

    /** A build blocked by other sessions for this long raises a BuildBlocked Warning event (once per build). */
    @WithDefault("2m")
    Duration blockedEventThreshold();

    /**
     * Shortest time between two status writes that only update progress or blockers; condition changes are
     * always written at once. Keeps a long build from hammering the API server.
     */
    @WithDefault("5s")
    Duration progressWriteInterval();

    /**
     * How long a connection Secret read from the API server is used before it is read again (with get; no list or
     * watch on Secrets is needed). A failed login or an unknown database reads it again at once; 0 reads it on
     * every reconcile.
     */
    @WithDefault("1m")
    Duration secretCacheTtl();

    /** TCP connect timeout for PostgreSQL connections. */
    @WithDefault("10s")
    Duration connectTimeout();

    /**
     * Default maintenance windows for resources without spec.schedule.windows: windows separated by ';', each
     * "[days] HH:MM duration [IANA zone]", for example "Mon-Fri 01:00 3h Europe/Berlin; Sat,Sun 00:00 8h
     * Europe/Berlin". Unset: no default, builds start at any time. A malformed value stops the operator at start.
     */
    Optional<String> maintenanceWindows();

    /**
     * Default replication lag limit for resources without spec.replicaLag: the largest replay lag (a duration,
     * such as 30s) and/or the most WAL a standby may be behind or a slot may retain (512Mi, 2Gi) for a build to
     * start. Unset: no limit. Needs pg_monitor for the operator's role.
     */
    Optional<String> replicaLagMaxLag();

    Optional<String> replicaLagMaxBytes();

    /**
     * The operator's own pod and namespace (the chart sets them from the Downward API). An event that its
     * resource's namespace refuses (a terminating namespace forbids new objects) is recorded on this pod instead,
     * so what a namespace deletion left behind shows in kubectl get events -n (operator namespace).
     */
    Optional<String> podName();

    Optional<String> podNamespace();

    /**
     * How often the size and scans of a Ready index are read (one statement on the primary, one short session per
     * replica of spec.usage.replicas) and status.usage written: at most once per interval, on the re-check that
     * falls due, whatever the counters do in between.
     */
    @WithDefault("15m")
    Duration usageInterval();

    /**
     * How long an index may go without a scan before status.usage.unusedSince is set; spec.usage.unusedAfter
     * overrides it.
     */
    @WithDefault("720h")
    Duration unusedAfter();

    /**
     * How often the collation versions a Ready index depends on are compared with what the server reports (one
     * catalog read per index per interval; a new index OID, after a build or REINDEX, is checked at once).
     */
    @WithDefault("1h")
    Duration collationCheckInterval();
}
