package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.postgres.Bloat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * status.health.bloat: the record and an estimate from statistics; a pgstatindex() measurement's intent and outcome
 * are {@link dev.pgindex.operator.decide.MeasureJob}'s.
 */
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
