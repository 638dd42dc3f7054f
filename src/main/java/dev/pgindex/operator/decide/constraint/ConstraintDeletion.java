package dev.pgindex.operator.decide.constraint;

import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ConstraintDefinition;
import dev.pgindex.operator.postgres.ConstraintObservation;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The finalizer of a PostgresConstraint: a running statement of ours is cancelled first; then Retain (and anything
 * adopted) releases the ownership mark, Delete drops what this resource added (a short lock, retried); what is not
 * ours is never touched. A database that stays unreachable for the grace period is given up with a Warning.
 */
public final class ConstraintDeletion extends ConstraintContext implements ConstraintLook {
    private final Instant requested;

    public ConstraintDeletion(ConstraintInput in, Instant requested) {
        super(in);
        this.requested = requested;
    }

    /** Nothing can be read without a usable spec and Secret: nothing of ours can be found, so nothing is kept. */
    @Override
    public Optional<ConstraintDecision> beforeConnecting() {
        if (in.parsed() == null) {
            return Optional.of(released(Reason.ConstraintRetained, "the spec could not be parsed; nothing was ever "
                    + "added"));
        }
        if (in.connection() == null) {
            return Optional.of(unreachable(new SqlErrors.Failure(dev.pgindex.operator.postgres.ErrorKind.ConnectionLost,
                    null, in.connectionMessage())));
        }
        return Optional.empty();
    }

    /** The database could not be reached: retry within the grace period, then let the resource go. */
    @Override
    public ConstraintDecision unreachable(SqlErrors.Failure f) {
        if (in.now().isAfter(requested.plus(in.settings().deleteGracePeriod()))) {
            events.add(ConstraintDecision.Event.warning(Reason.DropAbandoned, "the database stayed unreachable for "
                    + "the delete grace period (" + f.message() + "); the constraint, if any, is left as it is"));
            return new ConstraintDecision.Released(draft.status(), List.copyOf(events));
        }
        return waitFor(ConstraintStep.Deleting, Reason.Deleting, "cannot reach the database to release the "
                + "constraint: " + f.message(), in.settings().retryBackoffBase());
    }

    @Override
    public ConstraintDecision decide(Optional<ConstraintInput.Job> job, ConstraintObservation o) {
        ConstraintDefinition d = in.parsed().definition();
        if (job.isPresent() && job.get() instanceof ConstraintInput.Running r) {
            draft.reconciling(ConstraintStep.Deleting, Reason.Deleting, "cancelling " + r.kind().label()
                    + " (pid " + r.pid() + ") before releasing the constraint");
            return new ConstraintDecision.Cancel(draft.status(), List.copyOf(events), r.pid());
        }
        if (o.ourSession().isPresent()) {
            draft.reconciling(ConstraintStep.Deleting, Reason.Deleting, "cancelling a statement of an earlier "
                    + "operator process (pid " + o.ourSession().get().pid() + ")");
            return new ConstraintDecision.Cancel(draft.status(), List.copyOf(events), o.ourSession().get().pid());
        }
        boolean delete = in.spec().getReclaimPolicy() == ReclaimPolicy.Delete;
        Optional<ConstraintObservation.Existing> e = o.existing().filter(x -> x.mark().isPresent()
                && x.mark().get().ownerUid().equals(in.uid()));
        if (e.isPresent() && delete && !e.get().mark().get().adopted()) {
            return drop(o.tableOid(), List.of(d.drop()), "dropped constraint " + d.name() + " on " + d.schema() + "."
                    + d.table() + " (reclaimPolicy Delete)");
        }
        if (e.isPresent()) {
            draft.reconciling(ConstraintStep.Deleting, Reason.Deleting, "releasing the ownership mark");
            return new ConstraintDecision.Execute(draft.status(), List.copyOf(events), d.comment(null), List.of(
                    ConstraintDecision.Event.normal(Reason.ConstraintRetained, "constraint " + d.name() + " stays in "
                            + "the database (" + (delete ? "adopted, never dropped" : "reclaimPolicy Retain")
                            + "); the ownership mark is released")));
        }
        boolean setByUs = d.needsHelperCheck(o.serverVersion()) && Boolean.TRUE.equals(o.columnNotNull())
                && !draft.adopted() && draft.step() == ConstraintStep.Done;
        if (delete && setByUs && o.existing().isEmpty()) {
            String column = ((ConstraintDefinition.NotNull) d.shape()).column();
            return drop(o.tableOid(), List.of(d.dropNotNull()), "dropped the NOT NULL of column " + column
                    + " that this resource set (reclaimPolicy Delete)");
        }
        return released(Reason.ConstraintRetained, "nothing of this resource to drop or release in the database");
    }

    private ConstraintDecision drop(Long table, List<String> statements, String message) {
        if (table == null) {
            return released(Reason.ConstraintRetained, "the table is gone");
        }
        return shortLock(List.of(table), statements, ConstraintStep.Deleting, Reason.Deleting, "dropping (a short "
                + "lock, retried)", ConstraintDecision.Event.normal(Reason.ConstraintDropped, message));
    }

    private ConstraintDecision released(Reason reason, String message) {
        events.add(ConstraintDecision.Event.normal(reason, message));
        return new ConstraintDecision.Released(draft.status(), List.copyOf(events));
    }
}
