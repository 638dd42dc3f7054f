package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.UsageStatus;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.decide.draft.Usage;
import dev.pgindex.operator.decide.UsageReplica;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.Session;
import dev.pgindex.operator.postgres.UsageReads;
import dev.pgindex.operator.spec.ParsedSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's side of usage: when a Ready index's counters are due to be read (at most once per interval, so
 * the steady state costs one statement more per interval and status changes, and is written, only then), the
 * reads on the primary's session and on each replica, and the {@link Usage} accounting into status.usage. A read
 * that fails keeps the last usage: usage never changes Ready.
 */
final class UsageReading {
    private static final Logger LOG = Logger.getLogger(UsageReading.class.getName());

    /** pgindex.usage-interval and pgindex.unused-after. */
    record Defaults(Duration interval, Duration unusedAfter) {
        static final Defaults STANDARD = new Defaults(Duration.ofMinutes(15), Duration.ofDays(30));
    }

    private final Defaults defaults;

    UsageReading(Defaults defaults) {
        this.defaults = defaults;
    }

    /** Whether the counters are due: never read, or read at least one interval ago. */
    boolean due(PostgresIndexStatus st, Instant now) {
        UsageStatus u = st.getUsage();
        return u == null || u.getReadAt() == null
                || !now.isBefore(Instant.parse(u.getReadAt()).plus(defaults.interval()));
    }

    /** Reads and records usage into {@code draft} (the status of a Ready decision) when it is due. */
    void record(StatusDraft draft, Session session, Databases databases, Request req,
            ParsedSpec parsed, Instant now) {
        PostgresIndexStatus st = draft.status();
        IndexDefinition def = parsed.definition();
        if (st.getPartitions() != null || !due(st, now)) {
            return; // a partitioned index has no size or scans of its own: nothing to read
        }
        Optional<UsageReads.Reading> primary;
        try {
            primary = session.usage(def.schema(), def.name());
        } catch (DatabaseException e) {
            LOG.log(Level.FINE, req.resource() + ": usage not read", e);
            return;
        }
        if (primary.isEmpty()) {
            return; // not a plain index (any more): the next reading will tell
        }
        List<Usage.Seen> replicas = new ArrayList<>();
        for (UsageReplica r : req.replicas().get()) {
            replicas.add(replica(databases, r, def));
        }
        draft.health().usage(primary.get(), replicas, now, parsed.unusedAfter() != null ? parsed.unusedAfter()
                : defaults.unusedAfter(), builtAt(st));
    }

    private static Usage.Seen replica(Databases databases, UsageReplica r, IndexDefinition def) {
        if (r.connection() == null) {
            return Usage.Seen.unread(r.name(), r.problem());
        }
        try {
            Optional<UsageReads.Reading> seen = UsageReads.readOn(databases, r.connection(), def.schema(), def.name());
            return seen.map(x -> Usage.Seen.read(r.name(), x))
                    .orElseGet(() -> Usage.Seen.unread(r.name(), "no index " + def.qualifiedName() + " there"));
        } catch (DatabaseException e) {
            return Usage.Seen.unread(r.name(), e.failure().kind() + ": " + e.failure().message());
        }
    }

    /** When this operator's own CREATE INDEX CONCURRENTLY of the index ended: its counters started then. */
    private static Instant builtAt(PostgresIndexStatus st) {
        BuildInfo b = st.getBuild();
        if (b == null || b.getFinishedAt() == null
                || !Ownership.Operation.BUILD.text.equals(b.getOperation())) {
            return null;
        }
        return Instant.parse(b.getFinishedAt());
    }
}
