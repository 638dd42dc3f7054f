package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;

import java.util.Optional;

/** Server versions and features the spec cannot be built on: 14.0-14.3, and NULLS NOT DISTINCT before 15. */
public final class ServerGuardStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        int version = ctx.obs().serverVersion();
        if (version >= 140000 && version < 140004) {
            return Optional.of(ctx.stall(Reason.UnsupportedServerVersion, "PostgreSQL " + text(version)
                    + " has a bug that can corrupt indexes built concurrently (fixed in 14.4); upgrade the server "
                    + "before building indexes with this operator", ctx.settings().permanentRecheckMax()));
        }
        if (ctx.def().nullsNotDistinct() && version < 150000) {
            return Optional.of(ctx.stall(Reason.UnsupportedFeature, "nullsNotDistinct needs PostgreSQL 15 or "
                    + "later; this server is " + text(version), ctx.settings().permanentRecheckMax()));
        }
        return Optional.empty();
    }

    static String text(int versionNum) {
        return (versionNum / 10000) + "." + (versionNum % 100);
    }
}
