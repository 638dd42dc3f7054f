package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

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
    public void recordIntent(PostgresIndexStatus st, DecisionContext ctx, JobPlan job, int pid, Instant now) {
        BloatStatus b = BloatRecords.of(st);
        b.setMeasuring(now.truncatedTo(ChronoUnit.SECONDS).toString());
        b.setIndexOid(job.indexOid());
        b.setPercent(null); // no figure is taken for this index OID until the measurement ends
        b.setSizeBytes(null);
    }

    @Override
    public Decision.Event started(DecisionContext ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        return Decision.Event.normal(Reason.MeasuringBloat, "started pgstatindex() of " + ctx.def().qualifiedName()
                + " (backend " + pid + ")");
    }

    /** Its "percent size" output, or why it did not run (measured again after checkInterval). */
    @Override
    public void recordOutcome(DecisionContext ctx, IndexBuilder.Job<JobKind> job, IndexBuilder.Result r) {
        BloatStatus b = BloatRecords.of(ctx.status());
        b.setMeasuring(null);
        b.setMeasuredAt(r.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        b.setMethod(BloatRecords.PGSTATINDEX);
        if (r.success() && r.output() != null && r.output().contains(" ")) {
            String[] parts = r.output().trim().split(" ");
            b.setPercent(Double.parseDouble(parts[0]));
            b.setSizeBytes(Long.parseLong(parts[1]));
            b.setMessage(null);
        } else {
            b.setPercent(null);
            b.setMessage("pgstatindex() did not run: " + (r.success() ? "no result" : r.failure().message()
                    + ("42501".equals(r.failure().sqlState()) ? "; grant pg_stat_scan_tables to "
                    + SqlErrors.operatorsRole(job.role()) : "")) + "; measured again after checkInterval");
        }
    }
}
