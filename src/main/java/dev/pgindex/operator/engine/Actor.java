package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.decide.JobPlan;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.ErrorKind;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Session;
import dev.pgindex.operator.postgres.SqlErrors;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out one {@link Decision}: raises its events and runs its one action (a job, quick DDL, a COMMENT, a
 * cancel) through {@code postgres/}. Says whether the reconcile is finished or must observe again.
 */
final class Actor {
    /**
     * A build queued behind this process's own jobs is woken when one ends; it looks again on its own only after
     * this many poll intervals (a safety net, for example when a woken resource was deleted meanwhile).
     */
    static final int SLOT_QUEUE_POLL_FACTOR = 6;

    /** How long a build queued behind this process's own jobs waits before it looks again by itself. */
    static Duration queuedPoll(Settings settings) {
        return settings.buildPollInterval().multipliedBy(SLOT_QUEUE_POLL_FACTOR);
    }

    /** What carrying out a decision led to. {@code again}: the catalog changed, observe and decide once more. */
    record Acted(PostgresIndexStatus status, Duration requeue, boolean again, boolean released) {
    }

    private final IndexBuilder<JobKind> builder;
    private final Settings settings;
    private final EngineMetrics metrics;
    private final SlotQueue slots;

    Actor(IndexBuilder<JobKind> builder, Settings settings, EngineMetrics metrics, SlotQueue slots) {
        this.builder = builder;
        this.settings = settings;
        this.metrics = metrics;
        this.slots = slots;
    }

    Acted act(Decision d, DecisionContext ctx, Session session, StatusSink sink, Events events,
            Runnable wakeUp) throws Exception {
        if (d instanceof Decision.StartJob j) {
            return startJob(j, ctx, sink, events, wakeUp);
        }
        if (d instanceof Decision.ShortLockDdl q) {
            try {
                session.shortLock(q.statements());
            } catch (DatabaseException e) {
                Decision failed = q.onFailure().apply(e.failure());
                emit(events, failed.events());
                return finished(failed);
            }
            emit(events, q.events());
            emit(events, q.onSuccess());
            return new Acted(q.status(), null, true, false);
        }
        emit(events, d.events());
        if (d instanceof Decision.Mark m) {
            session.comment(m.schema(), m.index(), m.comment());
            return new Acted(m.status(), null, true, false);
        }
        if (d instanceof Decision.Cancel c) {
            session.cancel(c.pid());
            return new Acted(c.status(), c.requeue(), false, false);
        }
        if (d instanceof Decision.EndSessions e) {
            // the sessions block this process's own job, whose session read the role
            return endSessions(e, ctx.draft(), session, events, builder.job(ctx.req().uid())
                    .map(IndexBuilder.Job::role).orElse(null));
        }
        if (d instanceof Decision.Release r) {
            return new Acted(r.status(), null, false, true);
        }
        return finished(d);
    }

    private static Acted finished(Decision d) {
        if (d instanceof Decision.Wait w) {
            return new Acted(w.status(), w.requeue(), false, false);
        }
        if (d instanceof Decision.Stall s) {
            return new Acted(s.status(), s.recheck(), false, false);
        }
        if (d instanceof Decision.Ready r) {
            return new Acted(r.status(), r.resync(), false, false);
        }
        throw new IllegalStateException("not a final decision: " + d.getClass().getSimpleName());
    }

    /**
     * Takes the builder session and the slots; records intent in status and persists it before the statement is
     * sent (a crash from then on is recoverable from status); then sends it in the background.
     */
    private Acted startJob(Decision.StartJob d, DecisionContext ctx, StatusSink sink, Events events,
            Runnable wakeUp) throws Exception {
        JobPlan job = d.job();
        StatusDraft draft = ctx.draft();
        PostgresIndexStatus st = d.status();
        if (st != draft.status()) {
            throw new IllegalStateException("a decision carries the draft of the context that made it");
        }
        String db = ctx.req().connection().databaseKey();
        String uid = ctx.req().uid();
        // Deletions never queue (their own requeue brings them back); builds wait in line without a connection
        // while this process's own jobs hold every slot, and are woken when one ends.
        boolean deleting = job.kind().forDeletion();
        if (!deleting && !slots.mayTry(db, uid, wakeUp)) {
            return waitForSlot(d, ctx, events, queuedPoll(settings));
        }
        Optional<IndexBuilder.Prepared<JobKind>> prepared = builder.prepare(ctx.req().connection(), ctx.req().uid(),
                job.kind(), job.tableOid(), settings.buildsPerDatabase(), job.deadlineMillis(),
                job.kind().usesBuildSettings() ? ctx.parsed().sessionSettings() : java.util.Map.of());
        if (prepared.isEmpty()) {
            if (!deleting) {
                slots.refused(db, uid, wakeUp);
            }
            return waitForSlot(d, ctx, events, settings.buildPollInterval());
        }
        IndexBuilder.Prepared<JobKind> p = prepared.get();
        if (!deleting) {
            job.kind().recordIntent(ctx, job, p.pid(), ctx.now());
            draft.conditions().settleObservedGeneration();
            try {
                sink.persist(st); // intent first
            } catch (Exception e) {
                builder.abandon(p);
                throw e;
            }
        }
        slots.started(db, uid);
        builder.launch(p, job.sql(), job.followUp(), j -> {
            slots.ended(db);
            if (!deleting) {
                wakeUp.run();
            }
        });
        if (!deleting) {
            metrics.jobStarted(job.kind());
        }
        if (job.kind().repairsInvalid() && !deleting) {
            metrics.invalidIndexFound();
        }
        List<Decision.Event> all = new ArrayList<>(d.events());
        all.add(job.kind().started(ctx, job, p.pid(), st));
        emit(events, all);
        return new Acted(st, settings.buildPollInterval(), false, false);
    }

    /** Whether the status already says this resource waits for a build slot. */
    static boolean saysWaitingForSlot(PostgresIndexStatus st) {
        return Conditions.trueReason(st, ConditionType.RECONCILING).filter(Reason.WaitingForBuildSlot::equals)
                .isPresent();
    }

    /** No slot was free (or another build holds the table): what that means is the decision layer's. */
    private static Acted waitForSlot(Decision.StartJob d, DecisionContext ctx, Events events, Duration poll) {
        Decision.Wait w = ctx.noSlotFor(d, poll);
        emit(events, w.events());
        return new Acted(w.status(), w.requeue(), false, false);
    }

    /** Ends each session; its event once done, or a Warning and status.guards when the role may not. */
    private static Acted endSessions(Decision.EndSessions e, StatusDraft draft, Session session, Events events,
            String role) {
        PostgresIndexStatus st = e.status();
        for (Decision.EndSessions.SessionToEnd t : e.targets()) {
            try {
                if (session.endSession(t.pid(), t.terminate())) {
                    emit(events, List.of(t.done()));
                }
            } catch (DatabaseException ex) {
                String msg = "could not " + (t.terminate() ? "terminate" : "cancel") + " pid " + t.pid() + ": "
                        + ex.failure().message() + (ex.failure().kind() == ErrorKind.InsufficientPrivilege
                                ? "; grant pg_signal_backend to " + SqlErrors.operatorsRole(role) : "");
                draft.guards().notEnded(t.pid(), msg);
                events.warning(Reason.InsufficientPrivilege, msg);
            }
        }
        return new Acted(st, e.requeue(), false, false);
    }

    static void emit(Events events, List<Decision.Event> list) {
        for (Decision.Event e : list) {
            if (e.warning()) {
                events.warning(e.reason(), e.message());
            } else {
                events.normal(e.reason(), e.message());
            }
        }
    }
}
