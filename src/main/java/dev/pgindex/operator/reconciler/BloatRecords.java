package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.postgres.Bloat;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.SqlErrors;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** status.health.bloat: a measurement's intent (pgstatindex as a job), its outcome, and an estimate. */
public final class BloatRecords {
    public static final String PGSTATINDEX = "pgstatindex";
    public static final String ESTIMATE = "estimate";

    private BloatRecords() {
    }

    /** The bloat record, created when absent. */
    public static BloatStatus of(PostgresIndexStatus st) {
        if (st.getHealth() == null) {
            st.setHealth(new HealthStatus());
        }
        if (st.getHealth().getBloat() == null) {
            st.getHealth().setBloat(new BloatStatus());
        }
        return st.getHealth().getBloat();
    }

    static void recordIntent(PostgresIndexStatus st, JobPlan job, Instant now) {
        BloatStatus b = of(st);
        b.setMeasuring(now.truncatedTo(ChronoUnit.SECONDS).toString());
        b.setIndexOid(job.indexOid());
        b.setPercent(null); // no figure is taken for this index OID until the measurement ends
        b.setSizeBytes(null);
    }

    /** pgstatindex ended: its "percent size" output, or why it did not run (tried again after checkInterval). */
    public static void recordOutcome(Context ctx, IndexBuilder.Job job, IndexBuilder.Result r) {
        BloatStatus b = of(ctx.status());
        b.setMeasuring(null);
        b.setMeasuredAt(r.finishedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        b.setMethod(PGSTATINDEX);
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

    /** An estimate from statistics, read on the monitor session. */
    public static void recordEstimate(BloatStatus b, long indexOid, Bloat.Estimate e, Instant now) {
        b.setMethod(ESTIMATE);
        b.setIndexOid(indexOid);
        b.setMeasuredAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        b.setMeasuring(null);
        b.setSizeBytes(e == null ? null : e.bytes());
        b.setPercent(e == null ? null : e.percent());
        b.setMessage(b.getPercent() != null ? null : "no statistics to estimate from yet (the table was never "
                + "vacuumed or analyzed); install pgstattuple for an exact measure");
    }
}
