package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.JobPlan;
import dev.pgindex.operator.postgres.GuardObservation;

import java.util.Optional;

/**
 * No job through a pooler that does not keep the session: the operator's advisory locks (one build per table, the
 * database's build slots) and session settings live on the backend, and a transaction- or statement-mode pooler
 * would leak them or hand them to another client. Stalled PoolerNotSupported, re-checked on the permanent backoff.
 */
public final class PoolerGate implements Gate {
    @Override
    public Optional<Decision> hold(DecisionContext ctx, JobPlan job) {
        return refuse(ctx);
    }

    /**
     * The decision when what the guards read shows a pooler, whatever would come next: the engine also asks before
     * its first observation of an endpoint, because the observation's own statements (the definition check's
     * transaction, the driver's named prepared statements) are what a transaction pooler breaks.
     */
    public static Optional<Decision> refuse(DecisionContext ctx) {
        GuardObservation seen = ctx.guards().seen();
        if (!seen.read() || seen.sessionStable()) {
            return Optional.empty();
        }
        String message = "the connection is not one stable PostgreSQL session (" + seen.pooler() + "): a "
                + "connection pooler in transaction or statement mode (PgBouncer, a CloudNativePG Pooler) sits "
                + "between the operator and the database, and the advisory locks that keep two builds off one "
                + "table would leak or land on another backend. Point the Secret at the database itself (for "
                + "CloudNativePG, the -rw service, not the Pooler) or at a session-mode pool";
        ctx.draft().failure().record(Reason.PoolerNotSupported, null, message, false, ctx.now());
        return Optional.of(ctx.stallWithBackoff(Reason.PoolerNotSupported, message));
    }
}
