package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.ProgressInfo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The running build's expected end (status.guards.eta), from its measured progress rate: the time it took to
 * reach its current percent (pg_stat_progress_create_index, which BuildWatch turned into status.progress),
 * stretched to 100%. Only between 1% and 99%: before, nothing is measured; after, it is done.
 */
public final class BuildEta {
    private BuildEta() {
    }

    public static void record(DecisionContext ctx, Instant startedAt) {
        ProgressInfo p = ctx.draft().status().getProgress();
        Integer pct = p == null ? null : p.getPercent();
        if (pct == null || pct < 1 || pct > 99 || startedAt == null || !ctx.now().isAfter(startedAt)) {
            ctx.draft().guards().eta(null);
            return;
        }
        Duration spent = Duration.between(startedAt, ctx.now());
        Instant eta = startedAt.plus(spent.multipliedBy(100).dividedBy(pct));
        ctx.draft().guards().eta(eta.truncatedTo(ChronoUnit.SECONDS).toString());
    }
}
