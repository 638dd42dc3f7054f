package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.Reasons;
import dev.pgindex.operator.decide.RetryGate;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.SqlErrors;

import java.util.Optional;

/**
 * No index of that name: the plain build. Waits for a builder that outlived an operator restart, for the table,
 * for the retry backoff; stops on missing privileges and on a definition PostgreSQL refuses on an empty copy of
 * the table; then starts CREATE INDEX CONCURRENTLY.
 */
public final class AbsentIndexStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Observation obs = ctx.obs();
        if (obs.index().isPresent()) {
            return Optional.empty();
        }
        ctx.draft().facts().noIndex();
        if (obs.builderBackend().isPresent()) {
            return Optional.of(ctx.waitFor(Phase.Building, Reason.BuildInProgress, "a build started earlier (backend "
                    + obs.builderBackend().get().pid() + ") is still waiting to start; waiting for it",
                    ctx.settings().buildPollInterval()));
        }
        if (obs.table().isEmpty()) {
            String table = ctx.def().schema() + "." + ctx.def().table();
            ctx.draft().failure().record(Reason.TableNotFound, "42P01", "table " + table
                    + " does not exist", false, ctx.now());
            return Optional.of(ctx.stallWithBackoff(Reason.TableNotFound, "table " + table + " does not exist; the "
                    + "operator checks again with backoff (up to every "
                    + Durations.human(ctx.settings().permanentRecheckMax()) + ") and builds the index once it appears"));
        }
        RetryGate.beginEpisodeIfReady(ctx.draft());
        Optional<Decision> gate = RetryGate.check(ctx, RetryGate.Work.BUILD);
        if (gate.isPresent()) {
            return gate;
        }
        if (obs.missingPrivilege() != null) {
            ctx.draft().failure().record(Reason.InsufficientPrivilege, "42501",
                    obs.missingPrivilege(), false, ctx.now());
            return Optional.of(ctx.stallWithBackoff(Reason.InsufficientPrivilege, obs.missingPrivilege()));
        }
        if (obs.candidateProblem() != null) {
            SqlErrors.Failure f = obs.candidateProblem();
            ctx.draft().failure().record(Reasons.of(f.kind()), f.sqlState(),
                    "the definition was rejected by PostgreSQL: " + f.message(), false, ctx.now());
            return Optional.of(ctx.stallWithBackoff(Reasons.of(f.kind()), ctx.draft().status().getLastError().getMessage()));
        }
        return Optional.of(ctx.start(Jobs.build(ctx, ctx.def(), obs.table().get().oid(),
                !RetryGate.isRecheck(ctx.draft().status()))));
    }
}
