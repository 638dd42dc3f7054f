package dev.pgindex.operator.reconciler.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.reconciler.BuildEta;
import dev.pgindex.operator.reconciler.BuildWatch;
import dev.pgindex.operator.reconciler.Context;
import dev.pgindex.operator.reconciler.Decision;
import dev.pgindex.operator.reconciler.Durations;

import java.util.Optional;

/**
 * A job of this process is still running: report what it does (progress, blockers, how long) and look again at
 * the build poll interval. {@code watch} is empty when the database could not be asked.
 */
public final class InFlightJobStep {
    private InFlightJobStep() {
    }

    public static Decision decide(Context ctx, IndexBuilder.Job job, Optional<Observation.Watch> watch) {
        if (job.kind() == IndexBuilder.Kind.VERIFY || job.kind() == IndexBuilder.Kind.MEASURE) { // a read
            return new Decision.Wait(ctx.status(), java.util.List.of(), ctx.settings().buildPollInterval());
        }
        Reason reason = switch (job.kind()) {
            case BUILD -> Reason.Building;
            case REINDEX -> Reason.Rebuilding;
            case DROP -> Reason.CleaningUp;
            case VERIFY, MEASURE -> throw new IllegalStateException("a read is reported above");
        };
        String what = (switch (job.kind()) {
            case BUILD -> "building ";
            case REINDEX -> "rebuilding ";
            case DROP -> "dropping the invalid leftover ";
            case VERIFY, MEASURE -> throw new IllegalStateException("a read is reported above");
        }) + target(ctx) + " concurrently (backend " + job.pid() + ", running for "
                + Durations.human(job.elapsed()) + ")";
        if (watch.isPresent()) {
            var build = ctx.status().getBuild();
            if (job.kind() == IndexBuilder.Kind.BUILD && build != null && build.getIndexOid() == null) {
                watch.get().buildingIndexOid().ifPresent(build::setIndexOid);
            }
            Reason blocked = BuildWatch.record(ctx, watch.get(), job.role());
            BuildEta.record(ctx, job.startedAt());
            if (blocked != null) {
                reason = blocked;
                what = what + "; waiting for " + ctx.status().getBlockedBy();
            }
        }
        return ctx.waitFor(Phase.Building, reason, what, ctx.settings().buildPollInterval());
    }

    /** What the job works on: a partition's index, a leftover, or the index itself. */
    private static String target(Context ctx) {
        var build = ctx.status().getBuild();
        return build != null && build.getTarget() != null ? build.getTarget() : ctx.def().qualifiedName();
    }
}
