package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.postgres.Bloat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** status.health.bloat: a pgstatindex() measurement's intent and outcome, an estimate, and what it means. */
public final class BloatDraft {
    private final HealthDraft health;

    BloatDraft(HealthDraft health) {
        this.health = health;
    }

    private BloatStatus record() {
        return health.block(HealthStatus::getBloat, HealthStatus::setBloat, BloatStatus::new);
    }

    /** A measurement of {@code indexOid} started: no figure is taken for it until it ends. */
    public void measuring(long indexOid, Instant now) {
        BloatStatus b = record();
        b.setMeasuring(now.truncatedTo(ChronoUnit.SECONDS).toString());
        b.setIndexOid(indexOid);
        b.setPercent(null);
        b.setSizeBytes(null);
    }

    /** pgstatindex() ended with its figures. */
    public void measured(Instant finishedAt, double percent, long sizeBytes) {
        BloatStatus b = ended(finishedAt);
        b.setPercent(percent);
        b.setSizeBytes(sizeBytes);
        b.setMessage(null);
    }

    /** pgstatindex() ended without figures, and why. */
    public void notMeasured(Instant finishedAt, String message) {
        BloatStatus b = ended(finishedAt);
        b.setPercent(null);
        b.setMessage(message);
    }

    private BloatStatus ended(Instant finishedAt) {
        BloatStatus b = record();
        b.setMeasuring(null);
        b.setMeasuredAt(finishedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        b.setMethod(BloatRecords.PGSTATINDEX);
        return b;
    }

    /** An estimate from statistics, read on the monitor session. */
    public void estimated(long indexOid, Bloat.Estimate e, Instant now) {
        BloatStatus b = record();
        b.setMethod(BloatRecords.ESTIMATE);
        b.setIndexOid(indexOid);
        b.setMeasuredAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
        b.setMeasuring(null);
        b.setSizeBytes(e == null ? null : e.bytes());
        b.setPercent(e == null ? null : e.percent());
        b.setMessage(b.getPercent() != null ? null : "no statistics to estimate from yet (the table was never "
                + "vacuumed or analyzed); install pgstattuple for an exact measure");
    }

    /** What the figure means (under the threshold, rebuilding, waiting...). */
    public void message(String message) {
        record().setMessage(message);
    }
}
