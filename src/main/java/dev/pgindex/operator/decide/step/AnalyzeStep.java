package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.postgres.Analyze;
import dev.pgindex.operator.spec.BuildSettingsPlan;

import java.util.List;
import java.util.Optional;

/**
 * spec.buildSettings.analyze, once the index is about to be Ready after a build or REINDEX of ours that was not
 * followed by an ANALYZE yet: ANALYZE of the table as short-lock DDL (2s lock_timeout, so it never queues behind
 * a long lock). Recorded in status.analyze before it runs; a failure is recorded and not retried (the planner
 * and autovacuum's own ANALYZE will come), so it never holds up Ready.
 */
public final class AnalyzeStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        BuildInfo b = ctx.draft().status().getBuild();
        if (b == null || b.getStartedAt() == null || b.getFinishedAt() == null
                || !Ownership.Operation.of(b).builds()
                || !ctx.def().qualifiedName().equals(b.getTarget())
                || (ctx.draft().status().getAnalyze() != null && b.getStartedAt().equals(ctx.draft().status().getAnalyze().getForBuild()))) {
            return Optional.empty();
        }
        String why = BuildSettingsPlan.analyzeReason(ctx.spec(), ctx.def());
        if (why == null) {
            return Optional.empty();
        }
        String table = ctx.def().schema() + "." + ctx.def().table();
        ctx.draft().health().analyzed(b.getStartedAt(), ctx.now(), "analyzed " + table + " (" + why + ")");
        return Optional.of(ctx.shortLock(List.of(Analyze.statement(ctx.def().schema(), ctx.def().table())),
                Decision.Event.normal(Reason.Analyzed, "analyzed " + table + " after the build: " + why), f -> {
                    ctx.draft().health().analyzeFailed("ANALYZE " + table + " did not run: " + f.message()
                            + "; not retried");
                    return ctx.waitFor(Phase.Building, Reason.Building, "the build of " + ctx.def().qualifiedName()
                            + " is done; ANALYZE of " + table + " did not run (" + f.message() + ")",
                            ctx.settings().buildPollInterval());
                }));
    }
}
