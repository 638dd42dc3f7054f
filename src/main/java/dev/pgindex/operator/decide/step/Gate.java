package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.JobPlan;

import java.util.Optional;

/**
 * A guard on starting work: applied by {@link Steps#decide} to every decision that would start a build or a
 * rebuild (whichever step made it: a first build, a retry, a partition leaf, an INVALID index's rebuild, a
 * REINDEX, and any later kind of rebuild), it lets the decision stand or holds it back with a Wait or a Stall of
 * its own. Pure like a step: it reads the context (with {@code ctx.guards()}) and fills in its status copy.
 */
public interface Gate {
    /** Empty: the job may start as far as this gate is concerned; otherwise what to do instead. */
    Optional<Decision> hold(DecisionContext ctx, JobPlan job);
}
