package dev.pgindex.operator.engine;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.decide.Settings;
import dev.pgindex.operator.decide.step.DeletionStep;
import dev.pgindex.operator.postgres.DatabaseException;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.Session;
import dev.pgindex.operator.spec.ParsedSpec;
import dev.pgindex.operator.status.StatusCopies;

import java.time.Instant;
import java.util.Optional;

/**
 * The engine's side of deleting a PostgresIndex (the rules are {@link DeletionStep}'s): a job of this process is
 * cancelled (a DROP is let finish), then the index is observed and released, retained or dropped, with quick
 * actions chained as in a reconcile; an unusable Secret or database is retried for deleteGracePeriod.
 */
final class IndexDeletion {
    private final Databases databases;
    private final IndexBuilder<JobKind> builder;
    private final Settings settings;
    private final Actor actor;

    IndexDeletion(Databases databases, IndexBuilder<JobKind> builder, Settings settings, Actor actor) {
        this.databases = databases;
        this.builder = builder;
        this.settings = settings;
        this.actor = actor;
    }

    DeleteOutcome cleanup(Request req, PostgresIndexStatus current, Instant deletionRequested,
            Events events) {
        Instant now = Instant.now();
        PostgresIndexStatus st = StatusCopies.copy(current);
        ParsedSpec parsed;
        try {
            parsed = ParsedSpec.forDeletion(req.spec());
        } catch (InvalidDefinitionException e) {
            return new DeleteOutcome(true, st, null); // nothing can have been built from an invalid spec
        }
        IndexDefinition def = parsed.definition();
        DecisionContext first = new DecisionContext(req, parsed, st, null, now, settings);
        if (!DeletionStep.needsDatabase(first)) {
            return new DeleteOutcome(true, st, null);
        }
        try {
            if (req.connection() == null) {
                return deleted(DeletionStep.unreachable(first, deletionRequested, req.connectionMessage()), first,
                        null, events);
            }
            Optional<IndexBuilder.Job<JobKind>> job = builder.job(req.uid());
            if (job.isPresent() && job.get().done()) {
                builder.forget(req.uid(), job.get());
                job = Optional.empty();
            }
            try (Session session = Session.open(databases, req.connection())) {
                if (job.isPresent()) {
                    return deleted(DeletionStep.whileJobRuns(first, job.get()), first, session, events);
                }
                for (int pass = 0; pass < IndexEngine.MAX_PASSES; pass++) {
                    Observation obs = session.observe(def, req.uid(), def.hashes(), true, false);
                    DecisionContext ctx = new DecisionContext(req, parsed, StatusCopies.copy(st), obs, now, settings);
                    Decision d = DeletionStep.decide(ctx);
                    DeleteOutcome o = deleted(d, ctx, session, events);
                    if (o.done() || !(d instanceof Decision.Mark || d instanceof Decision.ShortLockDdl)) {
                        return o;
                    }
                    st = o.status();
                }
                return new DeleteOutcome(false, st, settings.buildPollInterval());
            } catch (DatabaseException e) {
                return deleted(DeletionStep.unreachable(first, deletionRequested, e.failure().message()), first, null,
                        events);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletion's quick actions are its last: a mark released or a constraint dropped lets the finalizer go. */
    private DeleteOutcome deleted(Decision d, DecisionContext ctx, Session session, Events events) throws Exception {
        Actor.Acted acted = actor.act(d, ctx, session, s -> { }, events, () -> { });
        boolean quickDone = acted.again() && (d instanceof Decision.Mark || d instanceof Decision.ShortLockDdl);
        return new DeleteOutcome(acted.released() || quickDone, acted.status(), acted.requeue());
    }
}
