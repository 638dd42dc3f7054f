package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReplicaLagLimit;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Guards;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.decide.step.BlockingSessionsStep;
import dev.pgindex.operator.decide.step.DeletionStep;
import dev.pgindex.operator.decide.step.InFlightJobStep;
import dev.pgindex.operator.decide.step.JobOutcomeStep;
import dev.pgindex.operator.decide.step.PoolerGate;
import dev.pgindex.operator.decide.step.Steps;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.HealthObservation;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.Session;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.spec.Windows;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Observe, decide, act, record for one PostgresIndex, against PostgreSQL only. The Kubernetes side (the Secret,
 * status writes, events, the finalizer) is the {@link PostgresIndexReconciler}'s. One reconcile: a job of this
 * process still running is reported; otherwise one {@link Observation} is read, the {@link Steps} decide, the
 * {@link Actor} acts; a quick action (a mark, a short-lock DDL) is followed by a fresh observation and decision.
 */
public final class IndexEngine {
    private static final Logger LOG = Logger.getLogger(IndexEngine.class.getName());
    /** Quick actions one reconcile may chain (mark, ATTACH, ...) before it yields. */
    static final int MAX_PASSES = 8;

    private final Databases databases;
    private final IndexBuilder<JobKind> builder;
    private final Settings settings;
    private final EngineMetrics metrics;
    private final Actor actor;
    private final SlotQueue slots;
    private final IndexDeletion deletion;
    private volatile GuardReading guards = new GuardReading(Windows.NONE, null);
    private volatile HealthReading health = HealthReading.DEFAULT;
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();
    private volatile UsageReading usage = new UsageReading(UsageReading.Defaults.STANDARD);

    public IndexEngine(Databases databases, IndexBuilder<JobKind> builder, Settings settings) {
        this(databases, builder, settings, EngineMetrics.NOOP);
    }

    public IndexEngine(Databases databases, IndexBuilder<JobKind> builder, Settings settings, EngineMetrics metrics) {
        this.databases = databases;
        this.builder = builder;
        this.settings = settings;
        this.metrics = metrics;
        this.slots = new SlotQueue(settings.buildsPerDatabase());
        this.actor = new Actor(builder, settings, metrics, slots);
        this.deletion = new IndexDeletion(databases, builder, settings, actor);
    }

    /** The operator's defaults for the guards: maintenance windows and the replication lag limit (may be null). */
    public IndexEngine guardDefaults(Windows windows, ReplicaLagLimit replicaLag) {
        this.guards = new GuardReading(windows, replicaLag);
        return this;
    }

    /** How often a Ready index's usage is read (and written to status), and the default unused threshold. */
    public IndexEngine usageDefaults(Duration interval, Duration unusedAfter) {
        this.usage = new UsageReading(new UsageReading.Defaults(interval, unusedAfter));
        return this;
    }

    /** How often a Ready index's collation versions are compared (pgindex.collation-check-interval). */
    public IndexEngine healthDefaults(Duration collationCheckInterval) {
        this.health = new HealthReading(collationCheckInterval);
        return this;
    }

    /** The clock the decisions see (tests set a fixed one to stand inside or outside a maintenance window). */
    public IndexEngine withClock(java.time.Clock c) {
        this.clock = c;
        return this;
    }

    public IndexBuilder<JobKind> builder() {
        return builder;
    }

    /**
     * One reconcile, top to bottom. status.observedGeneration moves to a generation only together with the
     * conditions that say what happened to it ({@link Conditions#settleObservedGeneration}): kstatus reads the
     * top-level field alone and must never see a spec as handled that was not.
     */
    public Outcome reconcile(Request req, PostgresIndexStatus current, StatusSink sink, Events events,
            Runnable wakeUp) throws Exception {
        Instant now = Instant.now(clock);
        StatusDraft draft = new StatusDraft(StatusCopies.copy(current));
        draft.forGeneration(req.generation());
        PostgresIndexStatus st = draft.status();
        Outcome o;
        try {
            ParsedSpec parsed = ParsedSpec.of(req.spec()); // the only place spec text is parsed
            draft.facts().specHash(parsed.definition().hash());
            try {
                o = reconcileDefinition(req, parsed, st, sink, events, wakeUp, now);
            } finally {
                if (req.connection() != null) {
                    slots.settled(req.connection().databaseKey(), req.uid());
                }
            }
        } catch (InvalidDefinitionException e) {
            o = finish(actor, context(req, null, st, null, now).stall(Reason.InvalidSpec,
                    "invalid spec: " + e.getMessage(), null), events);
        }
        new StatusDraft(o.status()).conditions().settleObservedGeneration(); // the reconcile's own copy
        metrics.health(req.uid(), req.namespace(), req.name(), o.status().getHealth());
        return o;
    }

    private Outcome reconcileDefinition(Request req, ParsedSpec parsed, PostgresIndexStatus st, StatusSink sink,
            Events events, Runnable wakeUp, Instant now) throws Exception {
        IndexDefinition def = parsed.definition();
        if (req.connection() == null) {
            DecisionContext ctx = context(req, parsed, st, null, now);
            ctx.draft().failure().record(req.connectionProblem(), null, req.connectionMessage(), false, now);
            return finish(actor, ctx.stallWithBackoff(req.connectionProblem(), req.connectionMessage()), events);
        }
        Optional<IndexBuilder.Job<JobKind>> job = builder.job(req.uid());
        if (job.isPresent() && !job.get().done()) {
            DecisionContext ctx = context(req, parsed, st, null, now);
            Optional<Observation.Watch> watch = watch(req, def, job.get());
            Decision d = BlockingSessionsStep.decide(ctx, InFlightJobStep.decide(ctx, job.get(), watch), watch);
            if (d instanceof Decision.EndSessions) {
                try (Session session = Session.open(databases, req.connection())) {
                    Actor.Acted acted = actor.act(d, ctx, session, sink, events, wakeUp);
                    return new Outcome(acted.status(), acted.requeue());
                } catch (DatabaseException e) {
                    return finish(actor, new Decision.Wait(d.status(), d.events(), settings.buildPollInterval()),
                            events);
                }
            }
            return finish(actor, d, events);
        }
        if (job.isPresent()) {
            jobEnded(req, parsed, st, job.get(), events, now);
        } else if (stillQueued(req, st)) {
            // woken when one of this process's builds ends; nothing to read or write until then
            return new Outcome(st, Actor.queuedPoll(settings));
        }
        try (Session session = Session.open(databases, req.connection())) {
            Optional<Guards> pooled = guards.pooledBeforeObserving(session, databases, req);
            if (pooled.isPresent()) {
                return finish(actor, PoolerGate.refuse(context(req, parsed, st, null, now).withGuards(pooled.get()))
                        .orElseThrow(), events);
            }
            for (int pass = 0; pass < MAX_PASSES; pass++) {
                Observation obs = session.observe(def, req.uid(), def.hashes(), rebuildPending(req.spec(), st),
                        primaryKeyWanted(req.spec()));
                HealthObservation checks = health.read(session, req, parsed, st, obs, now);
                DecisionContext ctx = new DecisionContext(req, parsed, StatusCopies.copy(st), obs, now, settings)
                        .withGuards(guards.none())
                        .withHealth(checks);
                Decision d = Steps.decide(ctx);
                if (Steps.startsWork(d)) { // the gates' reads, only before a job start; then decide again with them
                    Guards seen = guards.read(session, databases, req, parsed, ((Decision.StartJob) d).job());
                    ctx = new DecisionContext(req, parsed, StatusCopies.copy(st), obs, now, settings).withGuards(seen)
                            .withHealth(checks);
                    d = Steps.decide(ctx);
                }
                if (d instanceof Decision.Ready) { // size and scans, at most once per usage interval
                    usage.record(ctx.draft(), session, databases, req, parsed, now);
                }
                Actor.Acted acted = actor.act(d, ctx, session, sink, events, wakeUp);
                st = acted.status();
                if (!acted.again()) {
                    return new Outcome(st, acted.requeue());
                }
            }
            return new Outcome(st, Duration.ofMillis(100));
        } catch (DatabaseException e) {
            return finish(actor, context(req, parsed, st, null, now).unreachable(e.failure()), events);
        }
    }

    /**
     * Queued for a build slot behind this process's own jobs, with the status already saying so for this
     * generation: the reconcile (a resync or a poll) has nothing to learn from the database.
     */
    private boolean stillQueued(Request req, PostgresIndexStatus st) {
        return slots.queuedBehindOwnJobs(req.connection().databaseKey(), req.uid())
                && Conditions.observedGeneration(st) == req.generation() && Actor.saysWaitingForSlot(st);
    }

    /** Records the outcome of this process's job (not trusted: the catalog decides next). */
    private void jobEnded(Request req, ParsedSpec parsed, PostgresIndexStatus st, IndexBuilder.Job<JobKind> job,
            Events events, Instant now) {
        builder.forget(req.uid(), job);
        IndexBuilder.Result r = job.result().join();
        guards.jobEnded(req, job, r);
        metrics.jobFinished(job.kind(), r.success(), r.success() ? null : r.failure().kind().name(),
                Duration.between(job.startedAt(), r.finishedAt()));
        if (r.success() && job.kind().repairsInvalid()) {
            metrics.invalidIndexRepaired();
        }
        DecisionContext ctx = new DecisionContext(req, parsed, st, null, now, settings);
        JobOutcomeStep.record(ctx, job, r);
        Actor.emit(events, ctx.events());
    }

    private Optional<Observation.Watch> watch(Request req, IndexDefinition def, IndexBuilder.Job<JobKind> job) {
        try (Session session = Session.open(databases, req.connection())) {
            return Optional.of(session.watch(job.pid(), def));
        } catch (DatabaseException e) {
            LOG.log(Level.FINE, "could not look at the running build", e);
            return Optional.empty();
        }
    }

    private static boolean rebuildPending(PostgresIndexSpec spec, PostgresIndexStatus st) {
        return spec.getRebuild() != null && !spec.getRebuild().equals(st.getRebuiltToken());
    }

    private static boolean primaryKeyWanted(PostgresIndexSpec spec) {
        return spec.getConstraint() != null && spec.getConstraint().getType() == ConstraintType.PrimaryKey;
    }

    private DecisionContext context(Request req, ParsedSpec parsed, PostgresIndexStatus st, Observation obs,
            Instant now) {
        return new DecisionContext(req, parsed, st, obs, now, settings);
    }

    private static Outcome finish(Actor actor, Decision d, Events events) throws Exception {
        Actor.Acted acted = actor.act(d, null, null, null, events, null);
        return new Outcome(acted.status(), acted.requeue());
    }

    /**
     * Deletion, top to bottom ({@link IndexDeletion}; the rules are {@link DeletionStep}'s): cancel what runs, then
     * observe and act until the finalizer may go; an unusable Secret or database is retried for deleteGracePeriod.
     */
    public DeleteOutcome cleanup(Request req, PostgresIndexStatus current, Instant deletionRequested,
            Events events) {
        slots.forget(req.uid());
        metrics.health(req.uid(), req.namespace(), req.name(), null);
        return deletion.cleanup(req, current, deletionRequested, events);
    }
}
