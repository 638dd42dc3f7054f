package dev.pgindex.operator.decide;

import dev.pgindex.operator.postgres.Amcheck;
import dev.pgindex.operator.postgres.Bloat;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.OwnershipMark;

import java.time.Duration;

/** The plans of the long jobs: the statement, its table, its follow-up and deadline; the policies are each kind's. */
public final class Jobs {
    private Jobs() {
    }

    /**
     * CREATE INDEX CONCURRENTLY of {@code jobDef} (the index, or one partition's), marked ours when it succeeds.
     * {@code countAttempt}: see {@link BuildJob}.
     */
    public static JobPlan build(DecisionContext ctx, IndexDefinition jobDef, long tableOid, boolean countAttempt) {
        return new JobPlan(new BuildJob(countAttempt), jobDef, jobDef.name(), tableOid, null,
                Ddl.createIndexConcurrently(jobDef), followUp(ctx, jobDef, false), deadline(ctx));
    }

    /**
     * REINDEX INDEX CONCURRENTLY of the index, keeping its mark and whether it was adopted (read from the mark
     * itself: status.index may not be written yet, or may be lost).
     */
    public static JobPlan reindex(DecisionContext ctx, long tableOid, boolean countAttempt) {
        return reindex(ctx, tableOid, countAttempt, "for rebuild token '" + ctx.spec().getRebuild() + "'");
    }

    /** REINDEX INDEX CONCURRENTLY as above, {@code why} saying for what in its messages ("for a collation drift"). */
    public static JobPlan reindex(DecisionContext ctx, long tableOid, boolean countAttempt, String why) {
        IndexDefinition def = ctx.def();
        boolean adopted = ctx.obs().mark().map(OwnershipMark::adopted).orElse(false);
        return new JobPlan(new ReindexJob(countAttempt, why), def, def.name(), tableOid, null,
                Ddl.reindexConcurrently(def.schema(), def.name()), followUp(ctx, def, adopted), deadline(ctx));
    }

    /** amcheck's bt_index_check of the index with OID {@code indexOid}; nothing to follow it. */
    public static JobPlan verify(DecisionContext ctx, long tableOid, long indexOid, String amcheckSchema) {
        IndexDefinition def = ctx.def();
        return new JobPlan(new VerifyJob(), def, def.name(), tableOid, indexOid, Amcheck.check(amcheckSchema, indexOid),
                null, deadline(ctx));
    }

    /** pgstattuple's pgstatindex() of the index with OID {@code indexOid}. */
    public static JobPlan measure(DecisionContext ctx, long tableOid, long indexOid, String pgstattupleSchema) {
        IndexDefinition def = ctx.def();
        return new JobPlan(new MeasureJob(), def, def.name(), tableOid, indexOid,
                Bloat.measure(pgstattupleSchema, indexOid), null, deadline(ctx));
    }

    /** DROP INDEX CONCURRENTLY of an index of ours: an invalid leftover, or (deleting) the index itself. */
    public static JobPlan drop(IndexDefinition onTable, String target, long tableOid, Long indexOid,
            DropJob.Purpose purpose) {
        return new JobPlan(new DropJob(purpose), onTable, target, tableOid, indexOid,
                Ddl.dropIndexConcurrently(onTable.schema(), target), null, 0);
    }

    private static String followUp(DecisionContext ctx, IndexDefinition jobDef, boolean adopted) {
        return Ddl.commentOnIndex(jobDef.schema(), jobDef.name(), new OwnershipMark(ctx.req().uid(),
                ctx.req().resource(), ctx.def().hash(), adopted).render());
    }

    private static long deadline(DecisionContext ctx) {
        Duration d = ctx.parsed().buildDeadline();
        return d == null ? 0 : Math.max(1, d.toMillis());
    }

    /** How long a job ran, in seconds to two decimals (status.build.durationSeconds and the like). */
    static double seconds(java.time.Instant startedAt, java.time.Instant finishedAt) {
        return Math.round(Duration.between(startedAt, finishedAt).toMillis() / 10.0) / 100.0;
    }
}
