package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.RetryGate;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.spec.Windows;

import java.util.Optional;

/** What the checks after Ready share: their rebuild, and the maintenance windows their reads keep to. */
final class AfterReady {
    private AfterReady() {
    }

    /**
     * REINDEX INDEX CONCURRENTLY {@code why} ("for a collation drift (...)"), the rebuild of spec.rebuild: a new
     * episode from Ready, wait for a REINDEX of ours still running, the retry gate, then the job (the gates and
     * the build slot apply to it like to any rebuild).
     */
    static Decision rebuild(DecisionContext ctx, Catalog.IndexState idx, String why) {
        RetryGate.beginEpisodeIfReady(ctx.draft());
        if (ctx.obs().builderBackend().isPresent()) {
            return ctx.waitFor(Phase.Building, Reason.BuildInProgress, "a REINDEX started earlier (backend "
                    + ctx.obs().builderBackend().get().pid() + ") is still running; waiting for it",
                    ctx.settings().buildPollInterval());
        }
        Optional<Decision> gate = RetryGate.check(ctx, RetryGate.Work.REBUILD);
        if (gate.isPresent()) {
            return gate.get();
        }
        return ctx.start(Jobs.reindex(ctx, idx.tableOid(), !RetryGate.isRecheck(ctx.draft().status()), why));
    }

    /**
     * Why a read job (amcheck, pgstatindex) may not start now: outside the maintenance windows (the resource's or
     * the operator's), with the next opening; empty when it may. Checked here rather than in the gates, whose wait
     * would take a Ready index out of Ready.
     */
    static Optional<String> outsideWindows(DecisionContext ctx) {
        Windows windows = ctx.parsed().windows(ctx.guards().defaultWindows());
        if (windows.isEmpty() || windows.openUntil(ctx.now()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("outside the maintenance windows"
                + windows.nextOpening(ctx.now()).map(i -> ", next at " + i).orElse(""));
    }
}
