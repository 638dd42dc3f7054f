package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.ProgressInfo;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.Amcheck;
import dev.pgindex.operator.postgres.Bloat;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Plans of the three long jobs, and the intent a job writes to status before its statement is sent. */
public final class Jobs {
    private Jobs() {
    }

    /**
     * CREATE INDEX CONCURRENTLY of {@code jobDef} (the index, or one partition's), marked ours when it succeeds.
     * {@code countAttempt}: the first build of an episode and each retry after a transient failure count against
     * retryLimit; a re-check after a permanent failure (duplicates, a missing column) does not.
     */
    public static JobPlan build(Context ctx, IndexDefinition jobDef, long tableOid, boolean countAttempt) {
        return new JobPlan(IndexBuilder.Kind.BUILD, jobDef, jobDef.name(), tableOid, null,
                Ddl.createIndexConcurrently(jobDef), followUp(ctx, jobDef, false), countAttempt, false,
                deadline(ctx), false, null);
    }

    /**
     * REINDEX INDEX CONCURRENTLY of the index, keeping its mark and whether it was adopted (read from the mark
     * itself: status.index may not be written yet, or may be lost).
     */
    public static JobPlan reindex(Context ctx, long tableOid, boolean countAttempt) {
        return reindex(ctx, tableOid, countAttempt, "for rebuild token '" + ctx.spec().getRebuild() + "'");
    }

    /** REINDEX INDEX CONCURRENTLY as above, {@code why} saying for what in its messages ("for a collation drift"). */
    public static JobPlan reindex(Context ctx, long tableOid, boolean countAttempt, String why) {
        IndexDefinition def = ctx.def();
        boolean adopted = ctx.obs().mark().map(OwnershipMark::adopted).orElse(false);
        return new JobPlan(IndexBuilder.Kind.REINDEX, def, def.name(), tableOid, null,
                Ddl.reindexConcurrently(def.schema(), def.name()), followUp(ctx, def, adopted), countAttempt, false,
                deadline(ctx), false, why);
    }

    /** amcheck's bt_index_check of the index with OID {@code indexOid}; nothing to follow it. */
    public static JobPlan verify(Context ctx, long tableOid, long indexOid, String amcheckSchema) {
        IndexDefinition def = ctx.def();
        return new JobPlan(IndexBuilder.Kind.VERIFY, def, def.name(), tableOid, indexOid,
                Amcheck.check(amcheckSchema, indexOid), null, false, false, deadline(ctx), false, null);
    }

    /** pgstattuple's pgstatindex() of the index with OID {@code indexOid}. */
    public static JobPlan measure(Context ctx, long tableOid, long indexOid, String pgstattupleSchema) {
        IndexDefinition def = ctx.def();
        return new JobPlan(IndexBuilder.Kind.MEASURE, def, def.name(), tableOid, indexOid,
                Bloat.measure(pgstattupleSchema, indexOid), null, false, false, deadline(ctx), false, null);
    }

    /** DROP INDEX CONCURRENTLY of an index of ours: an invalid leftover, or (deleting) the index itself. */
    public static JobPlan drop(Context ctx, IndexDefinition onTable, String target, long tableOid, Long indexOid,
            boolean repairsInvalid, boolean forDeletion) {
        return new JobPlan(IndexBuilder.Kind.DROP, onTable, target, tableOid, indexOid,
                Ddl.dropIndexConcurrently(onTable.schema(), target), null, false, repairsInvalid, 0, forDeletion,
                null);
    }

    private static String followUp(Context ctx, IndexDefinition jobDef, boolean adopted) {
        return Ddl.commentOnIndex(jobDef.schema(), jobDef.name(), new OwnershipMark(ctx.req().uid(),
                ctx.req().resource(), ctx.def().hash(), adopted).render());
    }

    private static long deadline(Context ctx) {
        Duration d = Specs.duration(ctx.spec().getBuildDeadline());
        return d == null ? 0 : Math.max(1, d.toMillis());
    }

    /**
     * The intent a job records before its statement is sent (its session and slot are held by then): the
     * operation, target, statement, builder PID and start, the episode's attempt, progress from 0% and the
     * Reconciling condition. A crash from here on is recoverable from status.
     */
    public static void recordIntent(PostgresIndexStatus st, Context ctx, JobPlan job, int pid, Instant now) {
        if (job.kind() == IndexBuilder.Kind.VERIFY) {
            Verifications.recordIntent(st, job, pid, now); // a read: the index stays Ready, status.build is kept
            return;
        }
        if (job.kind() == IndexBuilder.Kind.MEASURE) {
            BloatRecords.recordIntent(st, job, now); // a read too
            return;
        }
        RetryGate.beginEpisodeIfReady(st);
        boolean builds = job.kind() != IndexBuilder.Kind.DROP;
        BuildInfo b = new BuildInfo();
        b.setOperation((switch (job.kind()) {
            case BUILD -> Ownership.Operation.BUILD;
            case REINDEX -> Ownership.Operation.REINDEX;
            case DROP -> Ownership.Operation.DROP;
            case VERIFY, MEASURE -> throw new IllegalStateException("a read records its own intent");
        }).text);
        b.setTarget(job.qualifiedTarget());
        b.setBuilderPid(pid);
        b.setStatement(job.sql());
        b.setStartedAt(Instant.now().toString());
        // the OID of what a build or REINDEX produces is pinned at the first look after it (Ownership.pin)
        b.setIndexOid(builds ? null : job.indexOid());
        st.setBuild(b);
        st.setNextAttemptAt(null);
        BuildWatch.clearBlockers(st);
        if (builds) {
            ProgressInfo progress = new ProgressInfo();
            progress.setPhase("starting");
            progress.setPercent(0);
            progress.setDisplay("0%");
            progress.setUpdatedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
            st.setProgress(progress);
        }
        if (builds && job.countAttempt()) {
            st.setAttempts((st.getAttempts() == null ? 0 : st.getAttempts()) + 1);
        }
        String attempt = job.countAttempt() ? ", attempt " + st.getAttempts() : "";
        Conditions.reconciling(st, ctx.gen(), Phase.Building, job.reason(), switch (job.kind()) {
            case BUILD -> "building " + job.jobDef().qualifiedName() + " concurrently (backend " + pid + attempt + ")";
            case REINDEX -> "rebuilding " + ctx.def().qualifiedName() + " with REINDEX INDEX CONCURRENTLY "
                    + job.why() + " (backend " + pid + attempt + "); the index "
                    + "stays usable meanwhile";
            case DROP -> "dropping the invalid leftover " + job.qualifiedTarget() + " concurrently (backend " + pid
                    + ")";
            case VERIFY, MEASURE -> throw new IllegalStateException("a read records its own intent");
        }, now);
    }

    /** The Normal event of a job that started. */
    public static Decision.Event started(Context ctx, JobPlan job, int pid, PostgresIndexStatus st) {
        String attempt = job.countAttempt() ? ", attempt " + st.getAttempts() : "";
        return switch (job.kind()) {
            case BUILD -> Decision.Event.normal(Reason.Building, "started CREATE INDEX CONCURRENTLY "
                    + job.jobDef().qualifiedName() + " (backend " + pid + attempt + ")");
            case REINDEX -> Decision.Event.normal(Reason.Rebuilding, "started REINDEX INDEX CONCURRENTLY "
                    + ctx.def().qualifiedName() + " " + job.why());
            case MEASURE -> Decision.Event.normal(Reason.MeasuringBloat, "started pgstatindex() of "
                    + ctx.def().qualifiedName() + " (backend " + pid + ")");
            case VERIFY -> Decision.Event.normal(Reason.Verifying, "started amcheck's bt_index_check of "
                    + ctx.def().qualifiedName() + " (OID " + job.indexOid() + ", heapallindexed, backend " + pid + ")");
            case DROP -> !job.forDeletion()
                    ? Decision.Event.normal(Reason.CleaningUp, "dropping invalid leftover " + job.qualifiedTarget())
                    : job.repairsInvalid()
                    ? Decision.Event.normal(Reason.IndexDropped, "dropping the INVALID index " + ctx.def().qualifiedName()
                            + " that this resource's unfinished build left, with DROP INDEX CONCURRENTLY")
                    : Decision.Event.normal(Reason.IndexDropped, "dropping index " + ctx.def().qualifiedName()
                            + " with DROP INDEX CONCURRENTLY (reclaimPolicy Delete)");
        };
    }
}
