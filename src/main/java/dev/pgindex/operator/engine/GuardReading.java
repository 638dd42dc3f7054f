package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ReplicaLagLimit;
import dev.pgindex.operator.decide.Guards;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.decide.JobPlan;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.GuardObservation;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Session;
import dev.pgindex.operator.spec.LagLimits;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.spec.Windows;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's side of the guards: the operator's defaults (windows, replication lag limit), the reads before a job start, and the build rate of
 * each database. The rate is kept in memory, per database (host, port, name), from the builds of this process: it
 * is a property of the server and its load, not of one resource, so every resource on the database shares it; a
 * restarted operator measures it again on its first build (and predicts nothing until then, so a first build only
 * needs an open window).
 */
final class GuardReading {
    /** Builds of tables smaller than this say more about CREATE INDEX CONCURRENTLY's waits than about a rate. */
    static final long MIN_MEASURED_BYTES = 1L << 20;

    private final Windows defaultWindows;
    private final LagLimits defaultLag;
    private final Map<String, Double> bytesPerSecond = new ConcurrentHashMap<>();
    private final Map<String, Long> tableBytesOfJob = new ConcurrentHashMap<>();
    /** When each endpoint (host, port, database) last proved to be one stable session. */
    private final Map<String, Instant> stableSince = new ConcurrentHashMap<>();
    /**
     * How long a stable probe result is trusted for the same endpoint (a Secret pointed at a pooler is another
     * host or port, so another endpoint, probed at once): a build queued for a slot is not probed every poll.
     */
    static final Duration PROBE_TRUSTED = Duration.ofMinutes(1);

    GuardReading(Windows defaultWindows, ReplicaLagLimit defaultLag) {
        this.defaultWindows = defaultWindows == null ? Windows.NONE : defaultWindows;
        this.defaultLag = LagLimits.of(null, defaultLag); // validated at start (EngineProducer)
    }

    Guards none() {
        return new Guards(defaultWindows, GuardObservation.NOT_READ, null, defaultLag);
    }

    /** Reads what the gates need before {@code job} may start (a pooler probe; the table's size if a window applies). */
    Guards read(Session session, Databases databases, Request req, ParsedSpec parsed, JobPlan job)
            throws DatabaseException {
        boolean windows = !parsed.windows(defaultWindows).isEmpty();
        boolean lag = parsed.replicaLag(defaultLag) != null;
        String endpoint = req.connection().databaseKey();
        Instant stable = stableSince.get(endpoint);
        boolean probe = stable == null || Instant.now().isAfter(stable.plus(PROBE_TRUSTED));
        GuardObservation seen = session.guards(databases, req.connection(),
                new GuardObservation.Needs(job.tableOid(), windows, lag, probe));
        if (probe && seen.sessionStable()) {
            stableSince.put(endpoint, Instant.now());
        } else if (!seen.sessionStable()) {
            stableSince.remove(endpoint);
        }
        if (seen.tableBytes() >= 0) {
            tableBytesOfJob.put(req.uid(), seen.tableBytes());
        } else {
            tableBytesOfJob.remove(req.uid());
        }
        return new Guards(defaultWindows, seen, bytesPerSecond.get(req.connection().databaseKey()), defaultLag);
    }

    /**
     * Before the first observation of an endpoint (host, port, database) in this process, and after it showed a
     * pooler: the probe alone, so that a transaction pooler is found before any statement it can break. The
     * guards that show the pooler, or empty when the endpoint is one stable session.
     */
    Optional<Guards> pooledBeforeObserving(Session session, Databases databases, Request req)
            throws DatabaseException {
        String endpoint = req.connection().databaseKey();
        if (stableSince.containsKey(endpoint)) {
            return Optional.empty();
        }
        GuardObservation seen = session.guards(databases, req.connection(),
                new GuardObservation.Needs(0, false, false, true));
        if (seen.sessionStable()) {
            stableSince.put(endpoint, Instant.now());
            return Optional.empty();
        }
        return Optional.of(new Guards(defaultWindows, seen, bytesPerSecond.get(endpoint), defaultLag));
    }

    /** A job of this process ended: a successful build or REINDEX of a table of known size measures the rate. */
    void jobEnded(Request req, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        Long bytes = tableBytesOfJob.remove(req.uid());
        if (bytes == null || !r.success() || !job.kind().measuresRate() || bytes < MIN_MEASURED_BYTES
                || req.connection() == null) {
            return;
        }
        long millis = Math.max(1, Duration.between(job.startedAt(), r.finishedAt()).toMillis());
        bytesPerSecond.put(req.connection().databaseKey(), bytes * 1000.0 / millis);
    }
}
