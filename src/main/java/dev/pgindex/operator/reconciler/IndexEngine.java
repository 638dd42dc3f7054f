package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.ErrorInfo;
import dev.pgindex.operator.api.v1alpha1.IndexInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.IndexInspector;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.Partitions;
import dev.pgindex.operator.postgres.Quoting;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Observe, decide, act, record for one PostgresIndex, against PostgreSQL only. The Kubernetes side (reading the
 * Secret, writing status, events, the finalizer) is the {@link PostgresIndexReconciler}'s; this class gets the
 * spec, the last status and the connection, and returns the next status and when to look again.
 *
 * <p>Ownership: an index is ours when its COMMENT carries our mark with this resource's UID, or, for the one
 * window where the mark cannot exist yet (a build that ended or died before its COMMENT ran), when status records
 * that we launched a build of exactly this name ({@code status.build}, written before the DDL was sent) and the
 * index carries no mark at all. Anything else is never altered or dropped.
 */
public final class IndexEngine {
    private static final Logger LOG = Logger.getLogger(IndexEngine.class.getName());

    /** Timing and limits; see config.OperatorConfig for their meaning and defaults. */
    public record Settings(int buildsPerDatabase, Duration resyncInterval, Duration buildPollInterval,
            Duration retryBackoffBase, Duration retryBackoffMax, Duration permanentRecheckBase,
            Duration permanentRecheckMax, Duration deleteGracePeriod, Duration blockedEventThreshold) {
    }

    /** What the engine reports for Prometheus; implemented with Micrometer by metrics.OperatorMetrics. */
    public interface Metrics {
        Metrics NOOP = new Metrics() {
        };

        default void jobStarted(IndexBuilder.Kind kind) {
        }

        default void jobFinished(IndexBuilder.Kind kind, boolean success, String reason, Duration took) {
        }

        default void invalidIndexFound() {
        }

        default void invalidIndexRepaired() {
        }
    }

    /** What the reconciler knows about the resource. connection is null when the Secret could not be used. */
    public record Request(String uid, String namespace, String name, long generation, PostgresIndexSpec spec,
            ConnectionInfo connection, Reason connectionProblem, String connectionMessage) {
        String resource() {
            return namespace + "/" + name;
        }
    }

    /** The next status and when to reconcile again (null: only on the next change). */
    public record Outcome(PostgresIndexStatus status, Duration requeueAfter) {
    }

    /** For deletion: whether the finalizer may go, and when to look again if not. */
    public record DeleteOutcome(boolean done, PostgresIndexStatus status, Duration requeueAfter) {
    }

    /** Persists status now (before a DDL is sent); throws if it could not. */
    public interface StatusSink {
        void persist(PostgresIndexStatus status) throws Exception;
    }

    /** Kubernetes events about the resource. */
    public interface Events {
        void normal(Reason reason, String message);

        void warning(Reason reason, String message);
    }

    /** What this reconcile saw of a job that ended since the last one (see {@link Ownership#launched}). */
    private record JobEnd(boolean justSeen, boolean failed, boolean nameTaken, IndexBuilder.Kind kind) {
        static final JobEnd NONE = new JobEnd(false, false, false, null);

        boolean reindexFailed() {
            return justSeen && failed && kind == IndexBuilder.Kind.REINDEX;
        }
    }

    private final Databases databases;
    private final IndexBuilder builder;
    private final Settings settings;
    private final Metrics metrics;

    public IndexEngine(Databases databases, IndexBuilder builder, Settings settings) {
        this(databases, builder, settings, Metrics.NOOP);
    }

    public IndexEngine(Databases databases, IndexBuilder builder, Settings settings, Metrics metrics) {
        this.databases = databases;
        this.builder = builder;
        this.settings = settings;
        this.metrics = metrics;
    }

    public IndexBuilder builder() {
        return builder;
    }

    // ------------------------------------------------------------------------------------------------ reconcile

    /**
     * One reconcile. status.observedGeneration moves to a generation only together with the conditions that say
     * what happened to it ({@link Conditions#settleObservedGeneration}): kstatus (Flux, Argo CD, cli-utils) reads
     * the top-level field alone, and must never see a spec as handled that was not.
     */
    public Outcome reconcile(Request req, PostgresIndexStatus current, StatusSink sink, Events events,
            Runnable wakeUp) throws Exception {
        Outcome o = reconcileGeneration(req, current, st -> {
            Conditions.settleObservedGeneration(st);
            sink.persist(st);
        }, events, wakeUp);
        Conditions.settleObservedGeneration(o.status());
        return o;
    }

    private Outcome reconcileGeneration(Request req, PostgresIndexStatus current, StatusSink sink, Events events,
            Runnable wakeUp) throws Exception {
        Instant now = Instant.now();
        PostgresIndexStatus st = StatusCopies.copy(current);
        long gen = req.generation();
        if (st.getObservedGeneration() != null && st.getObservedGeneration() != gen) {
            // a new spec (or a new resource, -1): failures and attempts of the old one no longer count
            st.setAttempts(null);
            st.setLastError(null);
            st.setNextAttemptAt(null);
        }

        IndexDefinition def;
        try {
            def = Specs.definition(req.spec());
            Specs.duration(req.spec().getBuildDeadline());
        } catch (InvalidDefinitionException e) {
            return stall(st, gen, Reason.InvalidSpec, "invalid spec: " + e.getMessage(), events, now, null);
        }
        st.setSpecHash(def.hash());

        if (req.connection() == null) {
            recordFailure(st, req.connectionProblem().name(), null, req.connectionMessage(), false, now);
            return stall(st, gen, req.connectionProblem(), req.connectionMessage(), events, now,
                    permanentBackoff(st));
        }

        Optional<IndexBuilder.Job> job = builder.job(req.uid());
        JobEnd ended = JobEnd.NONE;
        if (job.isPresent()) {
            IndexBuilder.Job j = job.get();
            if (!j.done()) {
                return stillRunning(req, st, def, j, now, events);
            }
            builder.forget(req.uid(), j);
            IndexBuilder.Result r = finishJob(req, st, def, j, events);
            ended = new JobEnd(true, !r.success(), !r.success() && "42P07".equals(r.failure().sqlState()), j.kind());
        }

        try (Connection c = databases.monitor(req.connection())) {
            return observeAndAct(req, st, def, c, ended, sink, events, wakeUp, now);
        } catch (SQLException e) {
            SqlErrors.Failure f = SqlErrors.classify(e);
            recordFailure(st, f.kind().name(), f.sqlState(), f.message(), f.isTransient(), now);
            if (f.isTransient()) {
                Duration wait = backoff(settings.retryBackoffBase(), settings.retryBackoffMax(),
                        st.getLastError().getOccurrences());
                st.setNextAttemptAt(now.plus(wait).truncatedTo(ChronoUnit.SECONDS).toString());
                if (st.getPhase() == Phase.Ready && Conditions.observedGeneration(st) == gen) {
                    // the index was valid when last seen for this very spec; an outage does not change that (a
                    // spec edited meanwhile is not applied yet, so that case falls through to Reconciling)
                    return new Outcome(st, wait);
                }
                Conditions.reconciling(st, gen, Phase.Pending, Reason.DatabaseUnreachable,
                        "cannot reach the database: " + f.message() + "; retrying in " + human(wait), now);
                return new Outcome(st, wait);
            }
            return stall(st, gen, reasonFor(f.kind()), f.message(), events, now, permanentBackoff(st));
        }
    }

    private Outcome observeAndAct(Request req, PostgresIndexStatus st, IndexDefinition def, Connection c,
            JobEnd ended, StatusSink sink, Events events, Runnable wakeUp, Instant now) throws Exception {
        long gen = req.generation();
        int version = Catalog.serverVersionNum(c);
        if (version >= 140000 && version < 140004) {
            return stall(st, gen, Reason.UnsupportedServerVersion, "PostgreSQL " + versionText(version)
                    + " has a bug that can corrupt indexes built concurrently (fixed in 14.4); upgrade the server "
                    + "before building indexes with this operator", events, now, settings.permanentRecheckMax());
        }
        if (def.nullsNotDistinct() && version < 150000) {
            return stall(st, gen, Reason.UnsupportedFeature, "nullsNotDistinct needs PostgreSQL 15 or later; this "
                    + "server is " + versionText(version), events, now, settings.permanentRecheckMax());
        }
        Optional<Catalog.TableInfo> table = Catalog.findTable(c, def.schema(), def.table());
        Optional<Catalog.IndexState> found = Catalog.findIndex(c, def.schema(), def.name());

        if (found.isPresent() && !found.get().isIndex()) {
            return stall(st, gen, Reason.NameConflict, "a relation that is not an index is already called "
                    + def.qualifiedName() + "; pick another spec.name", events, now, permanentBackoff(st));
        }
        if (table.isPresent() && table.get().partitioned()) {
            Outcome o = partitioned(req, st, def, c, table.get(), found, ended, sink, events, wakeUp, now);
            if (o != null) {
                return o;
            }
            return partitionedReady(req, st, def, c, found.get(), events, now);
        }
        st.setPartitions(null);
        if (found.isEmpty()) {
            return whenAbsent(req, st, def, c, table, sink, events, wakeUp, now);
        }
        Catalog.IndexState idx = found.get();
        Optional<OwnershipMark> mark = OwnershipMark.parse(idx.comment());
        boolean ours = Ownership.marked(idx, req.uid());
        boolean ourBuilder = idx.buildingPid() != null && st.getBuild() != null
                && idx.buildingPid().equals(st.getBuild().getBuilderPid());
        boolean intent = !ours && (ourBuilder || Ownership.launched(st, idx, ended.justSeen(), ended.nameTaken(),
                () -> IndexInspector.mismatch(c, idx, def) == null));
        if (ours || intent) {
            Ownership.pin(st, idx);
        }

        if (mark.isPresent() && !ours) {
            return stall(st, gen, Reason.OwnedByOther, ownedByOther(def, mark.get()), events, now,
                    permanentBackoff(st));
        }
        if (idx.buildingPid() != null) {
            if (ours || intent) {
                Reason blocked = observeBuild(c, st, idx.buildingPid(), def, now, events);
                Conditions.reconciling(st, gen, Phase.Building, blocked == null ? Reason.BuildInProgress : blocked,
                        "the build of " + def.qualifiedName() + " by backend " + idx.buildingPid() + " is still "
                        + "running; waiting for it (never started twice)"
                        + (blocked == null ? "" : "; it waits for " + st.getBlockedBy()), now);
                return new Outcome(st, settings.buildPollInterval());
            }
            Conditions.reconciling(st, gen, Phase.Pending, Reason.BuildInProgress, "another session (backend "
                    + idx.buildingPid() + ") is building an index named " + def.qualifiedName()
                    + "; it will be compared with the spec when it ends", now);
            return new Outcome(st, settings.buildPollInterval());
        }
        if (!idx.healthy()) {
            if (ours || intent) {
                metrics.invalidIndexFound();
                return startJob(req, st, def, IndexBuilder.Kind.DROP, idx.tableOid(), idx.oid(), sink, events,
                        wakeUp, now);
            }
            return stall(st, gen, Reason.InvalidIndexNotOwned, "index " + def.qualifiedName() + " exists but is "
                    + "INVALID (what a failed CREATE INDEX CONCURRENTLY or REINDEX leaves behind) and this resource "
                    + "did not build it, so it was not touched. Drop it with DROP INDEX CONCURRENTLY "
                    + Quoting.qualified(def.schema(), def.name()) + " and the operator builds its own, or repair it "
                    + "with REINDEX INDEX CONCURRENTLY " + Quoting.qualified(def.schema(), def.name())
                    + " and the operator adopts it if it matches the spec", events, now, permanentBackoff(st));
        }
        // a valid index with our name
        boolean adopted;
        if (ours && mark.get().specHash().equals(def.hash())) {
            adopted = mark.get().adopted();
        } else {
            String mismatch = IndexInspector.mismatch(c, idx, def);
            if (mismatch != null) {
                return stall(st, gen, Reason.DefinitionConflict, definitionConflict(def, mismatch, ours), events, now,
                        permanentBackoff(st));
            }
            adopted = ours ? mark.get().adopted() : !intent;
            OwnershipMark newMark = new OwnershipMark(req.uid(), req.resource(), def.hash(), adopted);
            try (Statement s = c.createStatement()) {
                s.execute(Ddl.commentOnIndex(def.schema(), def.name(), newMark.render()));
            }
            if (adopted && !ours) {
                events.normal(Reason.Adopted, "adopted the existing valid index " + def.qualifiedName()
                        + " without a rebuild");
            }
        }
        Outcome rebuild = rebuildIfAsked(req, st, def, c, idx, ended, sink, events, wakeUp, now);
        if (rebuild != null) {
            return rebuild;
        }
        IndexInfo info = new IndexInfo();
        info.setName(def.qualifiedName());
        info.setOid(idx.oid());
        info.setDefinition(idx.definition());
        info.setAdopted(adopted);
        info.setSizeBytes(idx.bytes());
        st.setIndex(info);
        Outcome constraintOutcome = ensureConstraint(req, st, def, c, idx, events, now);
        if (constraintOutcome != null) {
            return constraintOutcome;
        }
        return ready(st, gen, adopted, "index " + def.qualifiedName() + " is valid" + (adopted ? " (adopted)" : ""),
                "index " + def.qualifiedName() + " is valid and ready", events, now);
    }

    /** The index is what the spec asks for: clear what belonged to the work, set Ready, resync later. */
    private Outcome ready(PostgresIndexStatus st, long gen, boolean adopted, String message, String event,
            Events events, Instant now) {
        st.setLastError(null);
        st.setNextAttemptAt(null);
        st.setBlockers(null);
        st.setBlockedBy(null);
        st.setBlockedSince(null);
        if (st.getProgress() != null) {
            st.getProgress().setPhase("done");
            st.getProgress().setPercent(100);
            st.getProgress().setDisplay("100%");
        }
        boolean wasReady = Conditions.isTrue(st, dev.pgindex.operator.api.v1alpha1.ConditionType.READY);
        Conditions.ready(st, gen, adopted ? Reason.Adopted : Reason.IndexReady, message, now);
        if (!wasReady) {
            events.normal(Reason.IndexReady, event);
        }
        return new Outcome(st, settings.resyncInterval());
    }

    /**
     * A partitioned table: PostgreSQL refuses CREATE INDEX CONCURRENTLY on it, so the index is built the way its
     * documentation describes, one step per reconcile, each resumable from the catalog: the parent index ON ONLY
     * (catalog only; created and marked in one transaction), the same on every sub-partitioned table, a concurrent
     * build on every leaf partition (one at a time, as jobs, like any build), then ATTACH PARTITION bottom-up with
     * a short lock_timeout. PostgreSQL marks the parent valid once every partition has an attached valid index; an
     * invalid partition index is dropped and rebuilt on its own, and a valid one is never attached twice.
     */
    private Outcome partitioned(Request req, PostgresIndexStatus st, IndexDefinition def, Connection c,
            Catalog.TableInfo table, Optional<Catalog.IndexState> found, JobEnd ended, StatusSink sink,
            Events events, Runnable wakeUp, Instant now) throws Exception {
        long gen = req.generation();
        if (req.spec().getConstraint() != null) {
            return stall(st, gen, Reason.UnsupportedFeature, "PostgreSQL cannot add a constraint USING INDEX on a "
                    + "partitioned table; remove spec.constraint", events, now, null);
        }
        Optional<Catalog.Backend> orphan = Catalog.activeBackendNamed(c, Databases.builderApplicationName(req.uid()));
        if (orphan.isPresent()) {
            Reason blocked = observeBuild(c, st, orphan.get().pid(), def, now, events);
            Conditions.reconciling(st, gen, Phase.Building, blocked == null ? Reason.BuildInProgress : blocked,
                    "a partition build started earlier (backend " + orphan.get().pid() + ") is still running; "
                    + "waiting for it", now);
            return new Outcome(st, settings.buildPollInterval());
        }
        OwnershipMark myMark = new OwnershipMark(req.uid(), req.resource(), def.hash(), false);
        if (found.isEmpty()) {
            String missing = Catalog.missingPrivilege(c, table.oid());
            if (missing != null) {
                recordFailure(st, ErrorKind.InsufficientPrivilege.name(), "42501", missing, false, now);
                return stall(st, gen, Reason.InsufficientPrivilege, missing, events, now, permanentBackoff(st));
            }
            try {
                IndexInspector.candidate(c, def);
                createOnOnly(c, def, myMark);
            } catch (SQLException e) {
                return partitionStepFailed(st, gen, "creating " + def.qualifiedName() + " ON ONLY the partitioned table",
                        e, events, now);
            }
            events.normal(Reason.Building, "created " + def.qualifiedName() + " ON ONLY the partitioned table "
                    + def.schema() + "." + def.table() + "; building it on each partition concurrently");
            Conditions.reconciling(st, gen, Phase.Building, Reason.Building, "created the parent index; building "
                    + "it on each partition", now);
            return new Outcome(st, Duration.ofMillis(100));
        }
        Catalog.IndexState parent = found.get();
        Optional<OwnershipMark> mark = OwnershipMark.parse(parent.comment());
        boolean ours = mark.map(m -> m.ownerUid().equals(req.uid())).orElse(false);
        if (mark.isPresent() && !ours) {
            return stall(st, gen, Reason.OwnedByOther, ownedByOther(def, mark.get()), events, now,
                    permanentBackoff(st));
        }
        List<Partitions.Partition> tree = Partitions.tree(c, table.oid());
        Map<Long, Partitions.Partition> byOid = new HashMap<>();
        tree.forEach(p -> byOid.put(p.oid(), p));
        int leaves = (int) tree.stream().filter(Partitions.Partition::leaf).count();
        if (parent.healthy()) {
            if (!ours) {
                String mismatch = IndexInspector.mismatch(c, parent, def);
                if (mismatch != null) {
                    return stall(st, gen, Reason.DefinitionConflict, definitionConflict(def, mismatch, false), events,
                            now, permanentBackoff(st));
                }
                try (Statement s = c.createStatement()) {
                    s.execute(Ddl.commentOnIndex(def.schema(), def.name(), new OwnershipMark(req.uid(),
                            req.resource(), def.hash(), true).render()));
                }
            }
            setPartitions(st, leaves, leaves, null);
            return null; // the caller's Ready path takes over
        }
        if (!ours) {
            return stall(st, gen, Reason.InvalidIndexNotOwned, "partitioned index " + def.qualifiedName() + " exists "
                    + "but is not valid yet (some partitions lack an attached valid index) and this resource did not "
                    + "create it, so it was not touched. Finish it (CREATE INDEX CONCURRENTLY on each partition, then "
                    + "ALTER INDEX ... ATTACH PARTITION) or drop it with DROP INDEX "
                    + Quoting.qualified(def.schema(), def.name()), events, now, permanentBackoff(st));
        }
        // sub-partitioned tables need their own ON ONLY index first
        for (Partitions.Partition p : tree) {
            if (p.level() == 0 || p.leaf()) {
                continue;
            }
            String name = partitionIndexName(def, p);
            if (Catalog.findIndex(c, p.schema(), name).isEmpty()) {
                try {
                    createOnOnly(c, def.onPartition(p.schema(), p.name(), name), myMark);
                } catch (SQLException e) {
                    return partitionStepFailed(st, gen, "creating " + p.schema() + "." + name + " ON ONLY "
                            + p.schema() + "." + p.name(), e, events, now);
                }
            }
        }
        int done = 0;
        for (Partitions.Partition p : tree) {
            if (!p.leaf()) {
                continue;
            }
            String name = partitionIndexName(def, p);
            IndexDefinition childDef = def.onPartition(p.schema(), p.name(), name);
            Optional<Catalog.IndexState> child = Catalog.findIndex(c, p.schema(), name);
            if (child.isEmpty()) {
                Outcome gate = partitionRetryGate(req, st, gen, events, now);
                if (gate != null) {
                    return gate;
                }
                setPartitions(st, leaves, done, p.schema() + "." + p.name());
                return startJob(req, st, def, childDef, IndexBuilder.Kind.BUILD, p.oid(), null, name, false, sink,
                        events, wakeUp, now);
            }
            Catalog.IndexState ci = child.get();
            Optional<OwnershipMark> childMark = OwnershipMark.parse(ci.comment());
            boolean childOurs = Ownership.marked(ci, req.uid()) || Ownership.launched(st, ci, ended.justSeen(),
                    ended.nameTaken(), () -> IndexInspector.mismatch(c, ci, childDef) == null);
            if (childOurs) {
                Ownership.pin(st, ci);
            }
            if (!childOurs) {
                return stall(st, gen, Reason.NameConflict, "partition " + p.schema() + "." + p.name() + " already has "
                        + "an index named " + name + " that this resource did not build; it was not touched",
                        events, now, permanentBackoff(st));
            }
            if (childMark.isEmpty() && ci.buildingPid() == null) {
                // our build ended (or died) before its COMMENT ran: record ownership before status moves on
                try (Statement s = c.createStatement()) {
                    s.execute(Ddl.commentOnIndex(p.schema(), name, myMark.render()));
                }
            }
            if (ci.buildingPid() != null) {
                Conditions.reconciling(st, gen, Phase.Building, Reason.BuildInProgress, "the build of " + p.schema()
                        + "." + name + " (backend " + ci.buildingPid() + ") is still running; waiting", now);
                return new Outcome(st, settings.buildPollInterval());
            }
            if (!ci.healthy()) {
                metrics.invalidIndexFound();
                setPartitions(st, leaves, done, p.schema() + "." + p.name());
                return startJob(req, st, def, childDef, IndexBuilder.Kind.DROP, p.oid(), ci.oid(), name, false, sink,
                        events, wakeUp, now);
            }
            if (Partitions.attachedTo(c, ci.oid()).isEmpty()) {
                Partitions.Partition up = byOid.get(p.parentOid());
                try {
                    attach(c, up.schema(), partitionIndexName(def, up), p.schema(), name);
                } catch (SQLException e) {
                    return partitionStepFailed(st, gen, "attaching " + p.schema() + "." + name, e, events, now);
                }
            }
            done++;
        }
        // sub-partitioned tables: their index turns valid once all theirs are attached; then attach it upwards
        List<Partitions.Partition> bottomUp = new ArrayList<>(tree);
        bottomUp.sort((a, b) -> Integer.compare(b.level(), a.level()));
        for (Partitions.Partition p : bottomUp) {
            if (p.level() == 0 || p.leaf()) {
                continue;
            }
            String name = partitionIndexName(def, p);
            Optional<Catalog.IndexState> mid = Catalog.findIndex(c, p.schema(), name);
            if (mid.isPresent() && mid.get().healthy() && Partitions.attachedTo(c, mid.get().oid()).isEmpty()) {
                Partitions.Partition up = byOid.get(p.parentOid());
                try {
                    attach(c, up.schema(), partitionIndexName(def, up), p.schema(), name);
                } catch (SQLException e) {
                    return partitionStepFailed(st, gen, "attaching " + p.schema() + "." + name, e, events, now);
                }
            }
        }
        st.setLastError(null);
        setPartitions(st, leaves, done, null);
        Conditions.reconciling(st, gen, Phase.Building, Reason.AttachingPartitions, done + " of " + leaves
                + " partitions have their index; attaching them to " + def.qualifiedName(), now);
        return new Outcome(st, Duration.ofMillis(200));
    }

    private Outcome partitionedReady(Request req, PostgresIndexStatus st, IndexDefinition def, Connection c,
            Catalog.IndexState parent, Events events, Instant now) throws SQLException {
        Catalog.IndexState fresh = Catalog.findIndex(c, def.schema(), def.name()).orElse(parent);
        boolean adopted = OwnershipMark.parse(fresh.comment()).map(OwnershipMark::adopted).orElse(false);
        IndexInfo info = new IndexInfo();
        info.setName(def.qualifiedName());
        info.setOid(fresh.oid());
        info.setDefinition(fresh.definition());
        info.setAdopted(adopted);
        st.setIndex(info);
        return ready(st, req.generation(), adopted, "partitioned index " + def.qualifiedName() + " is valid on all "
                + st.getPartitions().getTotal() + " partitions", "partitioned index " + def.qualifiedName()
                + " is valid and ready", events, now);
    }

    private static String partitionIndexName(IndexDefinition def, Partitions.Partition p) {
        return p.level() == 0 ? def.name() : Partitions.childIndexName(def.name(), p.name());
    }

    /** CREATE INDEX ... ON ONLY and its ownership mark in one transaction: never an unmarked parent index. */
    private static void createOnOnly(Connection c, IndexDefinition d, OwnershipMark mark) throws SQLException {
        shortLockTransaction(c, Ddl.createIndexOnOnly(d), Ddl.commentOnIndex(d.schema(), d.name(), mark.render()));
    }

    private static void attach(Connection c, String parentSchema, String parentIndex, String childSchema,
            String childIndex) throws SQLException {
        shortLockTransaction(c, Ddl.attachPartition(parentSchema, parentIndex, childSchema, childIndex));
    }

    /**
     * Runs quick DDL that needs a strong lock in one transaction with a 2 s lock_timeout: while it queues for its
     * lock it holds up every later writer of the table, so it gives up fast and is retried with backoff instead.
     */
    static void shortLockTransaction(Connection c, String... statements) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '2s'");
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
    }

    private Outcome partitionStepFailed(PostgresIndexStatus st, long gen, String step, SQLException e, Events events,
            Instant now) {
        return stepFailed(st, gen, Reason.AttachingPartitions, null, step, e, events, now);
    }

    /**
     * A quick DDL step failed: a transient failure (lock timeout, lost connection) is retried with backoff while
     * Reconciling with {@code retryReason}; anything else stalls with {@code stallReason} (or the failure's own).
     */
    private Outcome stepFailed(PostgresIndexStatus st, long gen, Reason retryReason, Reason stallReason, String step,
            SQLException e, Events events, Instant now) {
        SqlErrors.Failure f = SqlErrors.classify(e);
        recordFailure(st, f.kind().name(), f.sqlState(), step + " failed: " + f.message(), f.isTransient(), now);
        if (f.isTransient()) {
            Duration wait = backoff(settings.retryBackoffBase(), settings.retryBackoffMax(),
                    st.getLastError().getOccurrences());
            Conditions.reconciling(st, gen, Phase.Building, retryReason, step + " failed (" + f.message()
                    + "); retrying in " + human(wait), now);
            return new Outcome(st, wait);
        }
        return stall(st, gen, stallReason != null ? stallReason : reasonFor(f.kind()), st.getLastError().getMessage(),
                events, now, permanentBackoff(st));
    }

    /** Partition builds: at most retryLimit consecutive failures, with backoff between them. */
    private Outcome partitionRetryGate(Request req, PostgresIndexStatus st, long gen, Events events, Instant now) {
        ErrorInfo last = st.getLastError();
        if (last == null) {
            return null;
        }
        int limit = req.spec().getRetryLimit() == null ? 3 : req.spec().getRetryLimit();
        int failures = last.getOccurrences() == null ? 1 : last.getOccurrences();
        boolean transientError = Boolean.TRUE.equals(last.getTransientError());
        if (transientError && failures > limit) {
            return stall(st, gen, Reason.RetryLimitExceeded, "a partition build failed " + failures + " times in a "
                    + "row; the last: " + last.getReason() + ": " + last.getMessage() + ". Raise spec.retryLimit to "
                    + "try again", events, now, null);
        }
        Duration wait = transientError ? backoff(settings.retryBackoffBase(), settings.retryBackoffMax(), failures)
                : permanentBackoff(st);
        Instant next = Instant.parse(last.getTime()).plus(wait);
        if (now.isBefore(next)) {
            st.setNextAttemptAt(next.truncatedTo(ChronoUnit.SECONDS).toString());
            if (transientError) {
                Conditions.reconciling(st, gen, Phase.Pending, Reason.RetryScheduled, "a partition build failed with "
                        + last.getReason() + " (" + last.getMessage() + "); retrying in "
                        + human(Duration.between(now, next)), now);
                return new Outcome(st, Duration.between(now, next));
            }
            return stall(st, gen, Reason.valueOf(last.getReason()), last.getMessage(), events, now,
                    Duration.between(now, next));
        }
        return null;
    }

    private static void setPartitions(PostgresIndexStatus st, int total, int done, String current) {
        var p = new dev.pgindex.operator.api.v1alpha1.PartitionsInfo();
        p.setTotal(total);
        p.setDone(done);
        p.setDisplay(done + "/" + total);
        p.setCurrent(current);
        st.setPartitions(p);
    }

    /**
     * Leftovers of a failed REINDEX CONCURRENTLY (name_ccnew, name_ccold) are dropped first; then, when
     * spec.rebuild carries a token that status.rebuiltToken does not, REINDEX INDEX CONCURRENTLY runs as a job
     * (with the retry limit and backoff of builds). Returns null when there is nothing to do.
     */
    private Outcome rebuildIfAsked(Request req, PostgresIndexStatus st, IndexDefinition def, Connection c,
            Catalog.IndexState idx, JobEnd ended, StatusSink sink, Events events, Runnable wakeUp, Instant now)
            throws Exception {
        long gen = req.generation();
        List<Catalog.IndexState> leftovers = Catalog.reindexLeftovers(c, def.schema(), def.name(), idx.tableOid());
        Ownership.pinLeftovers(st, leftovers, ended.reindexFailed());
        for (Catalog.IndexState leftover : leftovers) {
            if (!Ownership.ownedLeftover(st, leftover)) {
                continue; // another session's REINDEX left it: not ours to drop
            }
            if (leftover.buildingPid() != null) {
                Conditions.reconciling(st, gen, Phase.Building, Reason.BuildInProgress, "a REINDEX of "
                        + def.qualifiedName() + " (backend " + leftover.buildingPid() + ") is still running; waiting",
                        now);
                return new Outcome(st, settings.buildPollInterval());
            }
            metrics.invalidIndexFound();
            return startJob(req, st, def, IndexBuilder.Kind.DROP, idx.tableOid(), leftover.oid(), leftover.name(),
                    sink, events, wakeUp, now);
        }
        String token = req.spec().getRebuild();
        if (token == null || token.equals(st.getRebuiltToken())) {
            return null;
        }
        beginEpisodeIfReady(st);
        Optional<Catalog.Backend> orphan = Catalog.activeBackendNamed(c, Databases.builderApplicationName(req.uid()));
        if (orphan.isPresent()) {
            Conditions.reconciling(st, gen, Phase.Building, Reason.BuildInProgress, "a REINDEX started earlier "
                    + "(backend " + orphan.get().pid() + ") is still running; waiting for it", now);
            return new Outcome(st, settings.buildPollInterval());
        }
        ErrorInfo last = st.getLastError();
        int limit = req.spec().getRetryLimit() == null ? 3 : req.spec().getRetryLimit();
        if (last != null && st.getAttempts() != null && st.getAttempts() > 0) {
            if (st.getAttempts() > limit) {
                return stall(st, gen, Reason.RetryLimitExceeded, "gave up rebuilding after " + st.getAttempts()
                        + " attempts; the last failed with " + last.getReason() + ": " + last.getMessage()
                        + ". The index itself is valid. Raise spec.retryLimit or change spec.rebuild to try again",
                        events, now, null);
            }
            Instant next = Instant.parse(last.getTime()).plus(Boolean.TRUE.equals(last.getTransientError())
                    ? backoff(settings.retryBackoffBase(), settings.retryBackoffMax(), st.getAttempts())
                    : permanentBackoff(st));
            if (now.isBefore(next)) {
                st.setNextAttemptAt(next.truncatedTo(ChronoUnit.SECONDS).toString());
                Conditions.reconciling(st, gen, Phase.Pending, Reason.RetryScheduled, "rebuild failed with "
                        + last.getReason() + " (" + last.getMessage() + "); retrying in "
                        + human(Duration.between(now, next)), now);
                return new Outcome(st, Duration.between(now, next));
            }
        }
        return startJob(req, st, def, IndexBuilder.Kind.REINDEX, idx.tableOid(), idx.oid(), def.name(), sink,
                events, wakeUp, now);
    }

    /**
     * spec.constraint: once the index is valid, ALTER TABLE ... ADD CONSTRAINT ... USING INDEX with a short
     * lock_timeout (the statement needs a brief exclusive lock, and while it queues for it, it would hold up
     * every write behind it). Returns null when the constraint is in place (or none is asked for).
     */
    private Outcome ensureConstraint(Request req, PostgresIndexStatus st, IndexDefinition def, Connection c,
            Catalog.IndexState idx, Events events, Instant now) throws SQLException {
        var wanted = req.spec().getConstraint();
        long gen = req.generation();
        Optional<Catalog.ConstraintInfo> existing = Catalog.constraintOf(c, idx.oid());
        if (wanted == null || wanted.getType() == null) {
            st.setConstraint(existing.map(IndexEngine::constraintStatus).orElse(null));
            return null;
        }
        boolean primaryKey = wanted.getType() == dev.pgindex.operator.api.v1alpha1.ConstraintType.PrimaryKey;
        if (existing.isPresent()) {
            if (existing.get().type() != (primaryKey ? 'p' : 'u')) {
                return stall(st, gen, Reason.ConstraintConflict, "index " + def.qualifiedName() + " already backs "
                        + "the constraint " + existing.get().name() + " (" + existing.get().definition() + "), not the "
                        + wanted.getType() + " constraint the spec asks for", events, now, permanentBackoff(st));
            }
            st.setConstraint(constraintStatus(existing.get()));
            return null;
        }
        if (primaryKey) {
            java.util.List<String> nullable = Catalog.nullableKeyColumns(c, idx.oid());
            if (!nullable.isEmpty()) {
                String col = nullable.get(0);
                String t = Quoting.qualified(def.schema(), def.table());
                return stall(st, gen, Reason.NullableColumn, "a primary key needs NOT NULL columns, and "
                        + String.join(", ", nullable) + " may be NULL; the operator will not set NOT NULL itself "
                        + "(that scans the table under an ACCESS EXCLUSIVE lock). Without blocking writes: ALTER TABLE "
                        + t + " ADD CONSTRAINT " + col + "_not_null CHECK (" + Quoting.ident(col) + " IS NOT NULL) "
                        + "NOT VALID; ALTER TABLE " + t + " VALIDATE CONSTRAINT " + col + "_not_null; ALTER TABLE " + t
                        + " ALTER COLUMN " + Quoting.ident(col) + " SET NOT NULL; ALTER TABLE " + t
                        + " DROP CONSTRAINT " + col + "_not_null", events, now, permanentBackoff(st));
            }
        }
        try {
            shortLockTransaction(c, Ddl.addConstraintUsingIndex(def.schema(), def.table(), def.name(), primaryKey));
        } catch (SQLException e) {
            return stepFailed(st, gen, Reason.AddingConstraint, Reason.ConstraintConflict, "the index is valid; "
                    + "adding the " + wanted.getType() + " constraint " + def.name(), e, events, now);
        }
        Catalog.constraintOf(c, idx.oid()).ifPresent(ci -> st.setConstraint(constraintStatus(ci)));
        events.normal(Reason.AddingConstraint, "added constraint " + def.name() + " "
                + (st.getConstraint() == null ? "" : st.getConstraint().getDefinition()) + " using index "
                + def.qualifiedName());
        return null;
    }

    private static dev.pgindex.operator.api.v1alpha1.ConstraintStatus constraintStatus(Catalog.ConstraintInfo ci) {
        var cs = new dev.pgindex.operator.api.v1alpha1.ConstraintStatus();
        cs.setName(ci.name());
        cs.setType(ci.type() == 'p' ? "PrimaryKey" : ci.type() == 'u' ? "Unique" : "Exclusion");
        cs.setDefinition(ci.definition());
        return cs;
    }

    private Outcome whenAbsent(Request req, PostgresIndexStatus st, IndexDefinition def, Connection c,
            Optional<Catalog.TableInfo> table, StatusSink sink, Events events, Runnable wakeUp, Instant now)
            throws Exception {
        long gen = req.generation();
        st.setIndex(null);
        Optional<Catalog.Backend> orphan = Catalog.activeBackendNamed(c,
                Databases.builderApplicationName(req.uid()));
        if (orphan.isPresent()) {
            Conditions.reconciling(st, gen, Phase.Building, Reason.BuildInProgress, "a build started earlier "
                    + "(backend " + orphan.get().pid() + ") is still waiting to start; waiting for it", now);
            return new Outcome(st, settings.buildPollInterval());
        }
        if (table.isEmpty()) {
            recordFailure(st, ErrorKind.TableNotFound.name(), "42P01", "table " + def.schema() + "." + def.table()
                    + " does not exist", false, now);
            return stall(st, gen, Reason.TableNotFound, "table " + def.schema() + "." + def.table()
                    + " does not exist; the operator checks again with backoff (up to every "
                    + human(settings.permanentRecheckMax()) + ") and builds the index once it appears", events, now,
                    permanentBackoff(st));
        }
        beginEpisodeIfReady(st);
        ErrorInfo last = st.getLastError();
        if (last != null && st.getAttempts() != null && st.getAttempts() > 0) {
            boolean transientError = Boolean.TRUE.equals(last.getTransientError());
            int limit = req.spec().getRetryLimit() == null ? 3 : req.spec().getRetryLimit();
            if (transientError && st.getAttempts() > limit) {
                return stall(st, gen, Reason.RetryLimitExceeded, "gave up after " + st.getAttempts()
                        + " builds; the last failed with " + last.getReason() + ": " + last.getMessage()
                        + ". Raise spec.retryLimit to try again", events, now, null);
            }
            Duration wait = transientError
                    ? backoff(settings.retryBackoffBase(), settings.retryBackoffMax(), st.getAttempts())
                    : permanentBackoff(st);
            Instant next = Instant.parse(last.getTime()).plus(wait);
            if (now.isBefore(next)) {
                st.setNextAttemptAt(next.truncatedTo(ChronoUnit.SECONDS).toString());
                Duration remaining = Duration.between(now, next);
                if (transientError) {
                    Conditions.reconciling(st, gen, Phase.Pending, Reason.RetryScheduled, "build failed with "
                            + last.getReason() + " (" + last.getMessage() + "); retrying in " + human(remaining),
                            now);
                    return new Outcome(st, remaining);
                }
                return stall(st, gen, Reason.valueOf(last.getReason()), last.getMessage() + "; the operator "
                        + "tries again with backoff (status.nextAttemptAt)", events, now, remaining);
            }
        }
        String missing = Catalog.missingPrivilege(c, table.get().oid());
        if (missing != null) {
            recordFailure(st, ErrorKind.InsufficientPrivilege.name(), "42501", missing, false, now);
            return stall(st, gen, Reason.InsufficientPrivilege, missing, events, now, permanentBackoff(st));
        }
        try {
            IndexInspector.candidate(c, def);
        } catch (SQLException e) {
            SqlErrors.Failure f = SqlErrors.classify(e);
            if (f.isTransient()) {
                throw e;
            }
            recordFailure(st, f.kind().name(), f.sqlState(), "the definition was rejected by PostgreSQL: "
                    + f.message(), false, now);
            return stall(st, gen, reasonFor(f.kind()), st.getLastError().getMessage(), events, now,
                    permanentBackoff(st));
        }
        return startJob(req, st, def, IndexBuilder.Kind.BUILD, table.get().oid(), null, sink, events, wakeUp, now);
    }

    private Outcome startJob(Request req, PostgresIndexStatus st, IndexDefinition def, IndexBuilder.Kind kind,
            long tableOid, Long indexOid, StatusSink sink, Events events, Runnable wakeUp, Instant now) throws Exception {
        return startJob(req, st, def, def, kind, tableOid, indexOid, def.name(), true, sink, events, wakeUp, now);
    }

    private Outcome startJob(Request req, PostgresIndexStatus st, IndexDefinition def, IndexBuilder.Kind kind,
            long tableOid, Long indexOid, String target, StatusSink sink, Events events, Runnable wakeUp,
            Instant now) throws Exception {
        return startJob(req, st, def, def, kind, tableOid, indexOid, target, true, sink, events, wakeUp, now);
    }

    /**
     * Starts one job. {@code jobDef} is what the statement works on (the index itself, or the index of one
     * partition); {@code target} is the index name a DROP removes (the index, a partition's index, or a REINDEX
     * leftover). {@code countAttempt}: builds of the index itself count against retryLimit; partition builds
     * are limited by consecutive failures instead.
     */
    private Outcome startJob(Request req, PostgresIndexStatus st, IndexDefinition def, IndexDefinition jobDef,
            IndexBuilder.Kind kind, long tableOid, Long indexOid, String target, boolean countAttempt,
            StatusSink sink, Events events, Runnable wakeUp, Instant now) throws Exception {
        beginEpisodeIfReady(st);
        boolean builds = kind != IndexBuilder.Kind.DROP;
        long gen = req.generation();
        long deadline = 0;
        if (builds) {
            Duration d = Specs.duration(req.spec().getBuildDeadline());
            deadline = d == null ? 0 : Math.max(1, d.toMillis());
        }
        Optional<IndexBuilder.Prepared> prepared = builder.prepare(req.connection(), req.uid(), kind, tableOid,
                settings.buildsPerDatabase(), deadline);
        if (prepared.isEmpty()) {
            Conditions.reconciling(st, gen, Phase.Pending, Reason.WaitingForBuildSlot, "another index build is "
                    + "running on this table or uses this database's build slots (limit "
                    + settings.buildsPerDatabase() + "); waiting", now);
            return new Outcome(st, settings.buildPollInterval());
        }
        IndexBuilder.Prepared p = prepared.get();
        String sql = switch (kind) {
            case BUILD -> Ddl.createIndexConcurrently(jobDef);
            case REINDEX -> Ddl.reindexConcurrently(def.schema(), def.name());
            case DROP -> Ddl.dropIndexConcurrently(jobDef.schema(), target);
        };
        BuildInfo b = new BuildInfo();
        b.setOperation((switch (kind) {
            case BUILD -> Ownership.Operation.BUILD;
            case REINDEX -> Ownership.Operation.REINDEX;
            case DROP -> Ownership.Operation.DROP;
        }).text);
        b.setTarget(jobDef.schema() + "." + (kind == IndexBuilder.Kind.DROP ? target : jobDef.name()));
        b.setBuilderPid(p.pid());
        b.setStatement(sql);
        // the connection and the build slot are taken: what follows is the status write, then the DDL is sent
        b.setStartedAt(Instant.now().toString());
        // the OID of what a build or REINDEX produces is pinned at the first look after it (Ownership.pin)
        b.setIndexOid(kind == IndexBuilder.Kind.DROP ? indexOid : null);
        st.setBuild(b);
        st.setNextAttemptAt(null);
        st.setBlockers(null);
        st.setBlockedBy(null);
        st.setBlockedSince(null);
        if (builds) {
            var progress = new dev.pgindex.operator.api.v1alpha1.ProgressInfo();
            progress.setPhase("starting");
            progress.setPercent(0);
            progress.setDisplay("0%");
            progress.setUpdatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
            st.setProgress(progress);
        }
        if (builds && countAttempt) {
            st.setAttempts((st.getAttempts() == null ? 0 : st.getAttempts()) + 1);
        }
        switch (kind) {
            case BUILD -> Conditions.reconciling(st, gen, Phase.Building, Reason.Building, "building "
                    + jobDef.qualifiedName() + " concurrently (backend " + p.pid() + (countAttempt ? ", attempt "
                    + st.getAttempts() : "") + ")", now);
            case REINDEX -> Conditions.reconciling(st, gen, Phase.Building, Reason.Rebuilding, "rebuilding "
                    + def.qualifiedName() + " with REINDEX INDEX CONCURRENTLY for rebuild token '"
                    + req.spec().getRebuild() + "' (backend " + p.pid() + ", attempt " + st.getAttempts()
                    + "); the index stays usable meanwhile", now);
            case DROP -> Conditions.reconciling(st, gen, Phase.Building, Reason.CleaningUp, "dropping the invalid "
                    + "leftover " + jobDef.schema() + "." + target + " concurrently (backend " + p.pid() + ")", now);
        }
        try {
            sink.persist(st); // intent first: a crash from here on is recoverable from status
        } catch (Exception e) {
            builder.abandon(p);
            throw e;
        }
        boolean adopted = kind == IndexBuilder.Kind.REINDEX && st.getIndex() != null
                && Boolean.TRUE.equals(st.getIndex().getAdopted());
        String followUp = builds ? Ddl.commentOnIndex(jobDef.schema(), jobDef.name(),
                new OwnershipMark(req.uid(), req.resource(), def.hash(), adopted).render()) : null;
        builder.launch(p, sql, followUp, j -> wakeUp.run());
        metrics.jobStarted(kind);
        switch (kind) {
            case BUILD -> events.normal(Reason.Building, "started CREATE INDEX CONCURRENTLY "
                    + jobDef.qualifiedName() + " (backend " + p.pid() + (countAttempt ? ", attempt "
                    + st.getAttempts() : "") + ")");
            case REINDEX -> events.normal(Reason.Rebuilding, "started REINDEX INDEX CONCURRENTLY "
                    + def.qualifiedName() + " for rebuild token '" + req.spec().getRebuild() + "'");
            case DROP -> events.normal(Reason.CleaningUp, "dropping invalid leftover " + jobDef.schema() + "." + target);
        }
        return new Outcome(st, settings.buildPollInterval());
    }

    private Outcome stillRunning(Request req, PostgresIndexStatus st, IndexDefinition def, IndexBuilder.Job j,
            Instant now, Events events) {
        Reason reason = switch (j.kind()) {
            case BUILD -> Reason.Building;
            case REINDEX -> Reason.Rebuilding;
            case DROP -> Reason.CleaningUp;
        };
        String what = (switch (j.kind()) {
            case BUILD -> "building ";
            case REINDEX -> "rebuilding ";
            case DROP -> "dropping an invalid leftover of ";
        }) + def.qualifiedName() + " concurrently (backend " + j.pid() + ", running for " + human(j.elapsed()) + ")";
        try (Connection c = databases.monitor(req.connection())) {
            if (j.kind() == IndexBuilder.Kind.BUILD && st.getBuild() != null && st.getBuild().getIndexOid() == null) {
                Catalog.findIndex(c, def.schema(), def.name())
                        .filter(i -> Integer.valueOf(j.pid()).equals(i.buildingPid()))
                        .ifPresent(i -> st.getBuild().setIndexOid(i.oid()));
            }
            Reason blocked = observeBuild(c, st, j.pid(), def, now, events);
            if (blocked != null) {
                reason = blocked;
                what = what + "; waiting for " + st.getBlockedBy();
            }
        } catch (SQLException e) {
            LOG.log(Level.FINE, "could not look at the running build", e);
        }
        Conditions.reconciling(st, req.generation(), Phase.Building, reason, what, now);
        return new Outcome(st, settings.buildPollInterval());
    }

    /**
     * Samples pg_stat_progress_create_index and the sessions the builder waits for into status. Returns the
     * blocked reason (WaitingForTransactions or WaitingForLock) or null when the build is not blocked.
     */
    private Reason observeBuild(Connection c, PostgresIndexStatus st, int pid, IndexDefinition def, Instant now,
            Events events) throws SQLException {
        Optional<dev.pgindex.operator.postgres.Progress> sample = dev.pgindex.operator.postgres.Progress.read(c, pid);
        if (sample.isPresent()) {
            var p = sample.get();
            var info = st.getProgress() == null ? new dev.pgindex.operator.api.v1alpha1.ProgressInfo() : st.getProgress();
            int pct = Math.max(p.percent(), info.getPercent() == null ? 0 : info.getPercent());
            info.setCommand(p.command());
            info.setPhase(p.phase());
            info.setPercent(pct);
            info.setDisplay(pct + "%");
            info.setBlocksDone(p.blocksDone());
            info.setBlocksTotal(p.blocksTotal());
            info.setTuplesDone(p.tuplesDone());
            info.setTuplesTotal(p.tuplesTotal());
            info.setLockersDone(p.lockersDone());
            info.setLockersTotal(p.lockersTotal());
            info.setUpdatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
            st.setProgress(info);
        }
        // pg_blocking_pids briefly takes the whole lock manager, so ask only while the build can be waiting: before
        // its progress row exists (its first lock on the table) or in one of its wait phases
        boolean mayWait = sample.isEmpty() || sample.get().waiting();
        java.util.List<dev.pgindex.operator.postgres.Blocker> blockers = mayWait
                ? dev.pgindex.operator.postgres.Blocker.of(c, pid, 200, 5) : java.util.List.of();
        if (blockers.isEmpty()) {
            st.setBlockers(null);
            st.setBlockedBy(null);
            st.setBlockedSince(null);
            return null;
        }
        java.util.List<dev.pgindex.operator.api.v1alpha1.BlockerInfo> infos = new java.util.ArrayList<>();
        for (var b : blockers) {
            var i = new dev.pgindex.operator.api.v1alpha1.BlockerInfo();
            i.setPid(b.pid());
            i.setUser(b.user());
            i.setApplicationName(b.applicationName());
            i.setState(b.state());
            i.setTransactionAgeSeconds(b.transactionAgeSeconds());
            i.setQuery(b.query());
            i.setWaitingOn(b.waitingOn());
            infos.add(i);
        }
        st.setBlockers(infos);
        String summary = blockers.get(0).summary() + (blockers.size() > 1 ? " (+" + (blockers.size() - 1) + " more)" : "");
        if (blockers.stream().anyMatch(dev.pgindex.operator.postgres.Blocker::queryHidden)) {
            summary = summary + " [grant pg_read_all_stats to the operator's role to see other sessions' queries]";
        }
        st.setBlockedBy(summary);
        if (st.getBlockedSince() == null) {
            st.setBlockedSince(now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        Duration blockedFor = Duration.between(Instant.parse(st.getBlockedSince()), now);
        if (blockedFor.compareTo(settings.blockedEventThreshold()) >= 0 && st.getBuild() != null
                && !Boolean.TRUE.equals(st.getBuild().getBlockedWarningSent())) {
            st.getBuild().setBlockedWarningSent(true);
            events.warning(Reason.BuildBlocked, "the build of " + def.qualifiedName() + " has been waiting for "
                    + human(blockedFor) + " for " + summary);
        }
        return "relation".equals(blockers.get(0).waitingOn()) ? Reason.WaitingForLock : Reason.WaitingForTransactions;
    }

    private IndexBuilder.Result finishJob(Request req, PostgresIndexStatus st, IndexDefinition def,
            IndexBuilder.Job j, Events events) {
        IndexBuilder.Result r = j.result().join();
        metrics.jobFinished(j.kind(), r.success(), r.success() ? null : r.failure().kind().name(),
                Duration.between(j.startedAt(), r.finishedAt()));
        if (r.success() && j.kind() == IndexBuilder.Kind.DROP) {
            metrics.invalidIndexRepaired();
        }
        if (r.success() && j.kind() == IndexBuilder.Kind.BUILD) {
            st.setLastError(null);
        }
        if (r.success() && j.kind() == IndexBuilder.Kind.REINDEX) {
            st.setRebuiltToken(req.spec().getRebuild());
            st.setLastError(null);
            events.normal(Reason.Rebuilding, "REINDEX INDEX CONCURRENTLY " + def.qualifiedName() + " finished in "
                    + human(Duration.between(j.startedAt(), r.finishedAt())));
        }
        st.setBlockers(null);
        st.setBlockedBy(null);
        st.setBlockedSince(null);
        BuildInfo b = st.getBuild();
        if (b != null && Integer.valueOf(j.pid()).equals(b.getBuilderPid())) {
            b.setFinishedAt(r.finishedAt().toString());
            b.setDurationSeconds(Math.round(Duration.between(j.startedAt(), r.finishedAt()).toMillis() / 10.0) / 100.0);
        }
        if (!r.success()) {
            SqlErrors.Failure f = r.failure();
            recordFailure(st, f.kind().name(), f.sqlState(), f.message(), f.isTransient(), r.finishedAt());
            String what = switch (j.kind()) {
                case BUILD -> "CREATE INDEX CONCURRENTLY ";
                case REINDEX -> "REINDEX INDEX CONCURRENTLY ";
                case DROP -> "DROP INDEX CONCURRENTLY (leftover of) ";
            };
            events.warning(reasonFor(f.kind()), what + def.qualifiedName() + " failed"
                    + (f.sqlState() == null ? "" : " (SQLSTATE " + f.sqlState() + ")") + ": " + f.message()
                    + (f.isTransient() ? "; it will be cleaned up and retried" : ""));
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------------- deletion

    /**
     * Deletion. Retain: release our mark and go. Delete: drop the index with DROP INDEX CONCURRENTLY if this
     * resource built it (never an adopted or foreign one). A build in flight is cancelled first, whatever the
     * policy, and its invalid leftover dropped. When the Secret or the database stays unusable for
     * deleteGracePeriod, the finalizer is removed anyway with a Warning event naming what was left behind.
     */
    public DeleteOutcome cleanup(Request req, PostgresIndexStatus current, Instant deletionRequested,
            Events events) {
        Instant now = Instant.now();
        PostgresIndexStatus st = StatusCopies.copy(current);
        long gen = req.generation();
        IndexDefinition def;
        try {
            def = Specs.definition(req.spec());
        } catch (InvalidDefinitionException e) {
            return new DeleteOutcome(true, st, null); // nothing can have been built from an invalid spec
        }
        boolean retain = req.spec().getReclaimPolicy() != ReclaimPolicy.Delete;
        boolean everBuilt = st.getBuild() != null || (st.getIndex() != null);
        if (retain && !everBuilt) {
            return new DeleteOutcome(true, st, null);
        }
        if (req.connection() == null) {
            return giveUpOrWait(st, gen, def, deletionRequested, now, req.connectionMessage(), events);
        }
        Optional<IndexBuilder.Job> job = builder.job(req.uid());
        try (Connection c = databases.monitor(req.connection())) {
            if (job.isPresent() && job.get().done()) {
                builder.forget(req.uid(), job.get());
                job = Optional.empty();
            }
            if (job.isPresent()) {
                if (job.get().kind() != IndexBuilder.Kind.DROP) {
                    Catalog.cancelBackend(c, job.get().pid());
                }
                Conditions.reconciling(st, gen, Phase.Deleting, Reason.Deleting, "waiting for backend "
                        + job.get().pid() + " to end before deleting", now);
                return new DeleteOutcome(false, st, settings.buildPollInterval());
            }
            Optional<Catalog.Backend> orphan = Catalog.activeBackendNamed(c,
                    Databases.builderApplicationName(req.uid()));
            if (orphan.isPresent()) {
                Catalog.cancelBackend(c, orphan.get().pid());
                Conditions.reconciling(st, gen, Phase.Deleting, Reason.Deleting, "cancelled the build in backend "
                        + orphan.get().pid() + "; waiting for it to end", now);
                return new DeleteOutcome(false, st, settings.buildPollInterval());
            }
            Optional<Catalog.IndexState> found = Catalog.findIndex(c, def.schema(), def.name());
            if (found.isEmpty() || !found.get().isIndex()) {
                return new DeleteOutcome(true, st, null);
            }
            Catalog.IndexState idx = found.get();
            Optional<OwnershipMark> mark = OwnershipMark.parse(idx.comment());
            boolean ours = Ownership.marked(idx, req.uid()) || Ownership.launched(st, idx, false, false,
                    () -> IndexInspector.mismatch(c, idx, def) == null);
            if (!ours) {
                return new DeleteOutcome(true, st, null);
            }
            boolean adopted = mark.map(OwnershipMark::adopted).orElse(false);
            boolean drop = !idx.healthy() || (!retain && !adopted);
            Optional<Catalog.ConstraintInfo> constraint = Catalog.constraintOf(c, idx.oid());
            if (drop && constraint.isPresent()) {
                // DROP INDEX cannot remove an index a constraint needs; dropping the constraint drops both
                try {
                    shortLockTransaction(c, Ddl.dropConstraint(idx.tableSchema(), idx.tableName(),
                            constraint.get().name()));
                } catch (SQLException e) {
                    Conditions.reconciling(st, gen, Phase.Deleting, Reason.Deleting, "dropping constraint "
                            + constraint.get().name() + " failed (" + SqlErrors.describe(e) + "); retrying", now);
                    return new DeleteOutcome(false, st, settings.buildPollInterval().multipliedBy(4));
                }
                events.normal(Reason.IndexDropped, "dropped constraint " + constraint.get().name() + " and its index "
                        + def.qualifiedName() + " (reclaimPolicy Delete)");
                return new DeleteOutcome(true, st, null);
            }
            if (drop && idx.relkind() == 'I') {
                // a partitioned index cannot be dropped concurrently; DROP INDEX takes a brief exclusive lock on
                // the table and its partitions and drops every attached partition index with it
                try {
                    shortLockTransaction(c, Ddl.dropPartitionedIndex(def.schema(), def.name()));
                } catch (SQLException e) {
                    Conditions.reconciling(st, gen, Phase.Deleting, Reason.Deleting, "dropping partitioned index "
                            + def.qualifiedName() + " failed (" + SqlErrors.describe(e) + "); retrying", now);
                    return new DeleteOutcome(false, st, settings.buildPollInterval().multipliedBy(4));
                }
                events.normal(Reason.IndexDropped, "dropped partitioned index " + def.qualifiedName()
                        + " and its partition indexes (reclaimPolicy Delete)");
                return new DeleteOutcome(true, st, null);
            }
            if (!drop) {
                try (Statement s = c.createStatement()) {
                    s.execute(Ddl.commentOnIndex(def.schema(), def.name(), null));
                }
                events.normal(Reason.IndexRetained, "index " + def.qualifiedName() + " was kept"
                        + (adopted ? " (adopted, never dropped)" : " (reclaimPolicy Retain)"));
                return new DeleteOutcome(true, st, null);
            }
            Optional<IndexBuilder.Prepared> p = builder.prepare(req.connection(), req.uid(), IndexBuilder.Kind.DROP,
                    idx.tableOid(), settings.buildsPerDatabase(), 0);
            if (p.isEmpty()) {
                Conditions.reconciling(st, gen, Phase.Deleting, Reason.WaitingForBuildSlot, "waiting for another "
                        + "build on this table to end before dropping " + def.qualifiedName(), now);
                return new DeleteOutcome(false, st, settings.buildPollInterval());
            }
            builder.launch(p.get(), Ddl.dropIndexConcurrently(def.schema(), def.name()), null, null);
            Conditions.reconciling(st, gen, Phase.Deleting, Reason.Deleting, "dropping " + def.qualifiedName()
                    + " concurrently", now);
            events.normal(Reason.IndexDropped, "dropping index " + def.qualifiedName()
                    + " with DROP INDEX CONCURRENTLY (reclaimPolicy Delete)");
            return new DeleteOutcome(false, st, settings.buildPollInterval());
        } catch (SQLException e) {
            return giveUpOrWait(st, gen, def, deletionRequested, now, SqlErrors.describe(e), events);
        }
    }

    private DeleteOutcome giveUpOrWait(PostgresIndexStatus st, long gen, IndexDefinition def,
            Instant deletionRequested, Instant now, String why, Events events) {
        Instant deadline = deletionRequested.plus(settings.deleteGracePeriod());
        if (now.isAfter(deadline)) {
            events.warning(Reason.DropAbandoned, "gave up cleaning up " + def.qualifiedName() + " after "
                    + human(settings.deleteGracePeriod()) + " (" + why + "); the index, if any, was left in the "
                    + "database with its ownership mark");
            return new DeleteOutcome(true, st, null);
        }
        Conditions.reconciling(st, gen, Phase.Deleting, Reason.DatabaseUnreachable, "cannot clean up yet (" + why
                + "); retrying until " + deadline.truncatedTo(ChronoUnit.SECONDS)
                + ", then the resource is released anyway", now);
        return new DeleteOutcome(false, st, Duration.ofSeconds(Math.max(1,
                Math.min(10, Duration.between(now, deadline).toSeconds() + 1))));
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private static String ownedByOther(IndexDefinition def, OwnershipMark mark) {
        return "index " + def.qualifiedName() + " belongs to PostgresIndex " + mark.resource() + " (uid "
                + mark.ownerUid() + ") and was not touched. If that resource no longer exists, release the index "
                + "with COMMENT ON INDEX " + Quoting.qualified(def.schema(), def.name()) + " IS NULL and this "
                + "resource adopts it";
    }

    private static String definitionConflict(IndexDefinition def, String mismatch, boolean ours) {
        return "index " + def.qualifiedName() + (ours ? " was built by this resource from an earlier definition"
                : " exists with another definition") + " and was not touched. Differences: " + mismatch
                + ". To change an index, create a new PostgresIndex with another spec.name; to take over this one, "
                + "make the spec match it";
    }

    /**
     * Work that starts from Ready (a rebuild after the index was dropped or invalidated out of band, a requested
     * REINDEX, a cleanup) is a new episode with the whole retry budget: attempts and the last failure of the
     * previous episode, which stayed visible while Ready, are reset here and nowhere else.
     */
    private static void beginEpisodeIfReady(PostgresIndexStatus st) {
        if (Conditions.isTrue(st, dev.pgindex.operator.api.v1alpha1.ConditionType.READY)) {
            st.setAttempts(null);
            st.setLastError(null);
            st.setNextAttemptAt(null);
        }
    }

    private Outcome stall(PostgresIndexStatus st, long gen, Reason reason, String message, Events events,
            Instant now, Duration requeue) {
        boolean changed = !Conditions.isTrue(st, dev.pgindex.operator.api.v1alpha1.ConditionType.STALLED)
                || !Conditions.get(st, dev.pgindex.operator.api.v1alpha1.ConditionType.STALLED)
                        .map(c -> reason.name().equals(c.getReason())).orElse(false);
        st.setNextAttemptAt(requeue == null ? null : now.plus(requeue).truncatedTo(ChronoUnit.SECONDS).toString());
        Conditions.stalled(st, gen, reason, message, now);
        if (changed) {
            events.warning(reason, message);
        }
        return new Outcome(st, requeue);
    }

    private static void recordFailure(PostgresIndexStatus st, String reason, String sqlState, String message,
            boolean transientError, Instant when) {
        ErrorInfo prev = st.getLastError();
        ErrorInfo e = new ErrorInfo();
        e.setReason(reason);
        e.setSqlState(sqlState);
        e.setMessage(message);
        e.setTransientError(transientError);
        e.setTime(when.toString());
        e.setOccurrences(prev != null && reason.equals(prev.getReason()) && prev.getOccurrences() != null
                ? prev.getOccurrences() + 1 : 1);
        st.setLastError(e);
        st.setNextAttemptAt(null);
    }

    private Duration permanentBackoff(PostgresIndexStatus st) {
        int n = st.getLastError() == null || st.getLastError().getOccurrences() == null ? 1
                : st.getLastError().getOccurrences();
        return backoff(settings.permanentRecheckBase(), settings.permanentRecheckMax(), n);
    }

    static Duration backoff(Duration base, Duration max, int attempt) {
        int exp = Math.max(0, Math.min(20, attempt - 1));
        Duration d = base.multipliedBy(1L << exp);
        return d.compareTo(max) > 0 ? max : d;
    }

    static Reason reasonFor(ErrorKind kind) {
        return Reason.valueOf(kind.name());
    }

    private static String versionText(int num) {
        return (num / 10000) + "." + (num % 100);
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 1) {
            return d.toMillis() + "ms";
        }
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
}
