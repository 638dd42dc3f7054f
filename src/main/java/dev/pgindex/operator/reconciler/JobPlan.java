package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.IndexDefinition;

/**
 * One long job as decided: what runs, on which table, and how it is reported.
 *
 * @param kind          BUILD, REINDEX or DROP
 * @param jobDef        the index the statement works on (the index itself, or the index of one partition)
 * @param target        the index name the statement works on (the index, a partition's index, or a leftover)
 * @param tableOid      the table (for the per-table lock and the database's build slots)
 * @param indexOid      the index a DROP removes (null for builds: their OID is pinned at the first look after)
 * @param sql           the statement
 * @param followUp      the ownership COMMENT that runs on the same session after a successful build, or null
 * @param countAttempt  whether it counts against retryLimit (builds of the index itself and REINDEX)
 * @param repairsInvalid a DROP of an invalid index (counted by the invalid-index metric)
 * @param deadlineMillis statement_timeout of the builder session (0: none)
 * @param forDeletion   run by the finalizer: no intent is recorded, no attempt counted
 * @param why           why a REINDEX runs, for its messages ("for rebuild token 'x'", "for a collation drift")
 */
public record JobPlan(IndexBuilder.Kind kind, IndexDefinition jobDef, String target, long tableOid, Long indexOid,
        String sql, String followUp, boolean countAttempt, boolean repairsInvalid, long deadlineMillis,
        boolean forDeletion, String why) {

    public Reason reason() {
        return switch (kind) {
            case BUILD -> Reason.Building;
            case REINDEX -> Reason.Rebuilding;
            case DROP -> Reason.CleaningUp;
            case VERIFY -> Reason.Verifying;
            case MEASURE -> Reason.MeasuringBloat;
        };
    }

    /** schema.name of the index the statement works on. */
    public String qualifiedTarget() {
        return jobDef.schema() + "." + target;
    }
}
