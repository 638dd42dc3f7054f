package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.draft.BloatDraft;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Instant;

/** pgstattuple's pgstatindex() of the index: its intent and outcome in status.health.bloat. */
public record MeasureJob() implements ReadingJob {
    @Override
    public String label() {
        return "measure";
    }

    @Override
    public Reason reason() {
        return Reason.MeasuringBloat;
    }

    @Override
    public void recordIntent(DecisionContext ctx, JobPlan job, int pid, Instant now) {
        ctx.draft().health().bloat().measuring(job.indexOid(), now);
    }

    @Override
    public Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        return Decision.Event.normal(Reason.MeasuringBloat, "started pgstatindex() of " + ctx.def().qualifiedName()
                + " (backend " + pid + ")");
    }

    /** Its "percent size" output, or why it did not run (measured again after checkInterval). */
    @Override
    public void recordOutcome(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        BloatDraft b = ctx.draft().health().bloat();
        if (r.success() && r.output() != null && r.output().contains(" ")) {
            String[] parts = r.output().trim().split(" ");
            b.measured(r.finishedAt(), Double.parseDouble(parts[0]), Long.parseLong(parts[1]));
        } else {
            b.notMeasured(r.finishedAt(), "pgstatindex() did not run: " + (r.success() ? "no result"
                    : r.failure().message() + ("42501".equals(r.failure().sqlState()) ? "; grant pg_stat_scan_tables "
                    + "to " + SqlErrors.operatorsRole(job.role()) : "")) + "; measured again after checkInterval");
        }
    }
}
