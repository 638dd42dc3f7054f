package dev.pgindex.operator.decide.draft;

/**
 * How status.health.bloat was measured; the record is {@link BloatDraft}'s, a pgstatindex() measurement's intent
 * and outcome {@code decide.MeasureJob}'s.
 */
public final class BloatRecords {
    public static final String PGSTATINDEX = "pgstatindex";
    public static final String ESTIMATE = "estimate";

    private BloatRecords() {
    }
}
