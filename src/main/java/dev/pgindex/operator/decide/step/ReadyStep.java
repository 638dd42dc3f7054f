package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;

import java.util.Optional;

/** Nothing left to do: the index is valid, ours, the spec's, with its constraint. */
public final class ReadyStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        boolean adopted = IndexFacts.record(ctx);
        String name = ctx.def().qualifiedName();
        return Optional.of(ctx.ready(adopted, "index " + name + " is valid" + (adopted ? " (adopted)" : ""),
                "index " + name + " is valid and ready"));
    }
}
