package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.Context;
import dev.pgindex.operator.decide.Decision;

import java.util.Optional;

/** Nothing left to do: the index is valid, ours, the spec's, with its constraint. */
public final class ReadyStep implements Step {
    @Override
    public Optional<Decision> decide(Context ctx) {
        boolean adopted = IndexFacts.record(ctx);
        String name = ctx.def().qualifiedName();
        return Optional.of(ctx.ready(adopted, "index " + name + " is valid" + (adopted ? " (adopted)" : ""),
                "index " + name + " is valid and ready"));
    }
}
