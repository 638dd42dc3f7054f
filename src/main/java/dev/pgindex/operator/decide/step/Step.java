package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;

import java.util.Optional;

/**
 * One capability of the engine, or one guard: given the context of a reconcile, it decides, or leaves the
 * decision to the next step. Steps are pure: they read the context, fill in its status copy, and never do I/O.
 * A new capability is a new step in {@link Steps}, with its rows in the decision table test.
 */
public interface Step {
    Optional<Decision> decide(DecisionContext ctx);
}
