package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.decide.constraint.ConstraintDecision;
import dev.pgindex.operator.decide.constraint.ConstraintDeletion;
import dev.pgindex.operator.decide.constraint.ConstraintInput;
import dev.pgindex.operator.decide.constraint.ConstraintLook;
import dev.pgindex.operator.decide.constraint.ConstraintPlan;
import dev.pgindex.operator.postgres.ConstraintObservation;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Observe, decide, act for one PostgresConstraint, against PostgreSQL only; the same loop as the
 * {@link IndexEngine}'s: a job of this process still running is reported, otherwise the catalog is read once, the
 * {@link ConstraintPlan} decides and the decision is carried out; a quick action (a short-lock step, a COMMENT) is
 * followed by a fresh look. Long statements (the count of violating rows, VALIDATE) run on the shared job runner,
 * holding the table's build lock, so they never run beside an index build or another constraint's step.
 */
public final class ConstraintEngine {
    static final int MAX_PASSES = 6;

    /** Persists status now (before a statement is sent); throws if it could not. */
    public interface Sink {
        void persist(PostgresConstraintStatus status) throws Exception;
    }

    /** Kubernetes events about the resource. */
    public interface EventSink {
        void raise(ConstraintDecision.Event event);
    }

    /** The status to write, when to look again (null: on a change), and whether deletion is finished. */
    public record Result(PostgresConstraintStatus status, Duration requeueAfter, boolean released) {
    }

    private final Databases databases;
    private final IndexBuilder<ConstraintDecision.ConstraintJob.Kind> builder;
    private final Settings settings;

    public ConstraintEngine(Databases databases, IndexBuilder<ConstraintDecision.ConstraintJob.Kind> builder,
            Settings settings) {
        this.databases = databases;
        this.builder = builder;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public IndexBuilder<ConstraintDecision.ConstraintJob.Kind> builder() {
        return builder;
    }

    public Result reconcile(ConstraintInput in, Sink sink, EventSink events, Runnable wakeUp) throws Exception {
        return loop(in, ConstraintPlan::new, sink, events, wakeUp);
    }

    public Result cleanup(ConstraintInput in, Instant requested, EventSink events) throws Exception {
        return loop(in, i -> new ConstraintDeletion(i, requested), s -> { }, events, () -> { });
    }

    private Result loop(ConstraintInput first, Function<ConstraintInput, ConstraintLook> lookOf, Sink sink,
            EventSink events, Runnable wakeUp) throws Exception {
        ConstraintInput in = first;
        ConstraintDecision d = null;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            ConstraintLook look = lookOf.apply(in);
            Optional<ConstraintDecision> before = look.beforeConnecting();
            if (before.isPresent()) {
                return finish(before.get(), events, before.get() instanceof ConstraintDecision.Released);
            }
            String uid = in.uid();
            Optional<IndexBuilder.Job<ConstraintDecision.ConstraintJob.Kind>> job = builder.job(uid);
            try (Session s = Session.open(databases, in.connection())) {
                ConstraintObservation o = s.observeConstraint(in.parsed().definition(), uid);
                d = look.decide(job.map(j -> state(j, s)), o);
                job.filter(IndexBuilder.Job::done).ifPresent(j -> builder.forget(uid, j));
                Optional<Result> done = act(d, look, in, s, sink, events, wakeUp);
                if (done.isPresent()) {
                    return done.get();
                }
            } catch (DatabaseException e) {
                return finish(look.unreachable(e.failure()), events, false);
            }
            in = next(in, d.status());
        }
        return new Result(d.status(), settings.buildPollInterval(), false);
    }

    /** Carries out one decision; empty when it was a quick action and the loop should look again. */
    private Optional<Result> act(ConstraintDecision d, ConstraintLook plan, ConstraintInput in, Session s, Sink sink,
            EventSink events, Runnable wakeUp) throws Exception {
        if (d instanceof ConstraintDecision.ShortLock q) {
            try {
                if (!s.shortLockOnTables(q.tables(), q.statements())) {
                    return Optional.of(finish(q.onFailure().apply(new ConstraintDecision.Failed(null, List.of())),
                            events, false));
                }
            } catch (DatabaseException e) {
                List<String> holders = e.failure().kind() == dev.pgindex.operator.postgres.ErrorKind.LockTimeout
                        ? s.lockHolders(q.tables()) : List.of();
                return Optional.of(finish(q.onFailure().apply(new ConstraintDecision.Failed(e.failure(), holders)),
                        events, false));
            }
            raise(events, q.events());
            raise(events, q.onSuccess());
            return Optional.empty();
        }
        if (d instanceof ConstraintDecision.Execute x) {
            s.execute(x.sql());
            raise(events, x.events());
            raise(events, x.onSuccess());
            return Optional.empty();
        }
        if (d instanceof ConstraintDecision.Cancel c) {
            s.cancel(c.pid());
            return Optional.of(finish(d, events, false, settings.buildPollInterval()));
        }
        if (d instanceof ConstraintDecision.Released) {
            return Optional.of(finish(d, events, true));
        }
        if (d instanceof ConstraintDecision.RunJob r) {
            return Optional.of(start(r, (ConstraintPlan) plan, in, sink, events, wakeUp));
        }
        return Optional.of(finish(d, events, false));
    }

    private Result start(ConstraintDecision.RunJob r, ConstraintPlan plan, ConstraintInput in, Sink sink,
            EventSink events, Runnable wakeUp) throws Exception {
        Optional<IndexBuilder.Prepared<ConstraintDecision.ConstraintJob.Kind>> prepared = builder.prepare(
                in.connection(), in.uid(), r.job().kind(), r.job().tableOid(), settings.buildsPerDatabase(), 0,
                r.job().sessionSettings());
        if (prepared.isEmpty()) {
            return finish(plan.noSlotFor(r), events, false);
        }
        PostgresConstraintStatus intent = plan.started(r, prepared.get().pid());
        try {
            sink.persist(intent);
        } catch (Exception e) {
            builder.abandon(prepared.get());
            throw e;
        }
        builder.launch(prepared.get(), r.job().sql(), null, j -> wakeUp.run());
        return finish(r, events, false, settings.buildPollInterval());
    }

    private static ConstraintInput.Job state(IndexBuilder.Job<ConstraintDecision.ConstraintJob.Kind> j, Session s) {
        if (j.done()) {
            IndexBuilder.Result r = j.result().join();
            return new ConstraintInput.Finished(j.kind(), r.success() ? null : r.failure(), r.output(),
                    r.finishedAt());
        }
        String blockers = null;
        if (j.kind() == ConstraintDecision.ConstraintJob.Kind.VALIDATE) {
            try {
                List<String> b = s.blockersOf(j.pid());
                blockers = b.isEmpty() ? null : String.join("; ", b);
            } catch (DatabaseException e) {
                blockers = null; // reported on the next look
            }
        }
        return new ConstraintInput.Running(j.kind(), j.pid(), j.startedAt(), blockers);
    }

    private static ConstraintInput next(ConstraintInput in, PostgresConstraintStatus status) {
        return new ConstraintInput(in.uid(), in.resource(), in.generation(), in.spec(), in.parsed(), in.invalidSpec(),
                in.connectionProblem(), in.connectionMessage(), status, Instant.now(), in.settings(),
                in.namedIndexReady(), in.connection());
    }

    private Result finish(ConstraintDecision d, EventSink events, boolean released) {
        Duration requeue = d instanceof ConstraintDecision.Wait w ? w.requeue() : settings.buildPollInterval();
        return finish(d, events, released, requeue);
    }

    private static Result finish(ConstraintDecision d, EventSink events, boolean released, Duration requeue) {
        raise(events, d.events());
        return new Result(d.status(), requeue, released);
    }

    private static void raise(EventSink events, List<ConstraintDecision.Event> list) {
        list.forEach(events::raise);
    }
}
