package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.api.v1alpha1.ReclaimPolicy;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.DropJob;
import dev.pgindex.operator.decide.Durations;
import dev.pgindex.operator.decide.JobKind;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.postgres.IndexBuilder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.OwnershipMark;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deletion. Retain: release our mark and go. Delete: drop the index with DROP INDEX CONCURRENTLY if it is ours
 * and this resource built it (never an adopted, foreign or person's index). A build in flight is cancelled first,
 * whatever the policy, and its invalid leftover dropped. When the Secret or the database stays unusable for
 * deleteGracePeriod, the finalizer goes anyway with a DropAbandoned Warning event naming what was left behind.
 */
public final class DeletionStep {
    private DeletionStep() {
    }

    /** Whether deletion needs the database at all: a Retain resource that never built anything does not. */
    public static boolean needsDatabase(DecisionContext ctx) {
        boolean everBuilt = ctx.draft().status().getBuild() != null || ctx.draft().status().getIndex() != null;
        return !retain(ctx) || everBuilt;
    }

    /** A job of this process still runs: cancel a build (a DROP is let finish), then look again. */
    public static Decision whileJobRuns(DecisionContext ctx, IndexBuilder.Job<JobKind> job) {
        deleting(ctx, "waiting for backend " + job.pid() + " to end before deleting");
        if (job.kind().cancelledByDeletion()) {
            return new Decision.Cancel(ctx.draft().status(), List.of(), job.pid(), ctx.settings().buildPollInterval());
        }
        return new Decision.Wait(ctx.draft().status(), List.of(), ctx.settings().buildPollInterval());
    }

    /** What to do with the index, from the observation. */
    public static Decision decide(DecisionContext ctx) {
        IndexDefinition def = ctx.def();
        if (ctx.obs().builderBackend().isPresent()) {
            int pid = ctx.obs().builderBackend().get().pid();
            deleting(ctx, "cancelled the build in backend " + pid + "; waiting for it to end");
            return new Decision.Cancel(ctx.draft().status(), List.of(), pid, ctx.settings().buildPollInterval());
        }
        Optional<Catalog.IndexState> found = ctx.obs().index().filter(Catalog.IndexState::isIndex);
        if (found.isEmpty() || !Ownership.ours(ctx, found.get(), ctx.obs().comparison())) {
            return new Decision.Release(ctx.draft().status(), List.of());
        }
        Catalog.IndexState idx = found.get();
        boolean adopted = ctx.obs().mark().map(OwnershipMark::adopted).orElse(false);
        boolean drop = !idx.healthy() || (!retain(ctx) && !adopted);
        if (!drop) {
            return new Decision.Mark(ctx.draft().status(), List.of(Decision.Event.normal(Reason.IndexRetained, "index "
                    + def.qualifiedName() + " was kept" + (adopted ? " (adopted, never dropped)"
                    : " (reclaimPolicy Retain)"))), def.schema(), def.name(), null);
        }
        if (ctx.obs().constraint().isPresent()) {
            // DROP INDEX cannot remove an index a constraint needs; dropping the constraint drops both
            String name = ctx.obs().constraint().get().name();
            return new Decision.ShortLockDdl(ctx.draft().status(), List.of(), List.of(Ddl.dropConstraint(idx.tableSchema(),
                    idx.tableName(), name)), List.of(Decision.Event.normal(Reason.IndexDropped, "dropped constraint "
                    + name + " and its index " + def.qualifiedName() + " (reclaimPolicy Delete)")),
                    f -> retryLater(ctx, "dropping constraint " + name + " failed (" + f.message() + "); retrying"));
        }
        if (idx.relkind() == 'I') {
            // a partitioned index cannot be dropped concurrently; DROP INDEX takes a brief exclusive lock on the
            // table and its partitions and drops every attached partition index with it. Ours that are not
            // attached yet (a build cut short by the deletion, a valid one waiting for its ATTACH) go in the same
            // transaction; anyone else's stay.
            List<String> drops = new ArrayList<>();
            for (Observation.PartitionNode n : ctx.obs().partitions()) {
                Optional<Catalog.IndexState> child = n.index();
                if (child.isPresent() && n.attachedTo().isEmpty() && (Ownership.marked(child.get(), ctx.req().uid())
                        || Ownership.launched(ctx.draft().status(), child.get(), n.comparison()))) {
                    drops.add(Ddl.dropPartitionedIndex(n.partition().schema(), n.indexName()));
                }
            }
            drops.add(Ddl.dropPartitionedIndex(def.schema(), def.name()));
            return new Decision.ShortLockDdl(ctx.draft().status(), List.of(), drops, List.of(Decision.Event.normal(
                    Reason.IndexDropped, "dropped partitioned index " + def.qualifiedName() + " and its partition "
                    + "indexes" + (retain(ctx) ? " (it was not valid yet)" : " (reclaimPolicy Delete)"))),
                    f -> retryLater(ctx, "dropping partitioned index " + def.qualifiedName() + " failed ("
                            + f.message() + "); retrying"));
        }
        deleting(ctx, "dropping " + def.qualifiedName() + " concurrently");
        return new Decision.StartJob(ctx.draft().status(), List.of(), Jobs.drop(def, def.name(), idx.tableOid(),
                idx.oid(), idx.healthy() ? DropJob.Purpose.DELETE : DropJob.Purpose.DELETE_INVALID));
    }

    /** The Secret or the database is unusable: keep trying until deleteGracePeriod, then let go with a warning. */
    public static Decision unreachable(DecisionContext ctx, Instant deletionRequested, String why) {
        Duration grace = ctx.settings().deleteGracePeriod();
        Instant deadline = deletionRequested.plus(grace);
        if (ctx.now().isAfter(deadline)) {
            return new Decision.Release(ctx.draft().status(), List.of(Decision.Event.warning(Reason.DropAbandoned,
                    "gave up cleaning up " + ctx.def().qualifiedName() + " after " + Durations.human(grace) + " ("
                    + why + "); the index, if any, was left in the database with its ownership mark")));
        }
        return ctx.waitFor(Phase.Deleting, Reason.DatabaseUnreachable, "cannot clean up yet (" + why + "); retrying "
                + "until " + deadline.truncatedTo(ChronoUnit.SECONDS) + ", then the resource is released anyway",
                Duration.ofSeconds(Math.max(1, Math.min(10, Duration.between(ctx.now(), deadline).toSeconds() + 1))));
    }

    private static Decision retryLater(DecisionContext ctx, String message) {
        return ctx.waitFor(Phase.Deleting, Reason.Deleting, message, ctx.settings().buildPollInterval().multipliedBy(4));
    }

    private static boolean retain(DecisionContext ctx) {
        return ctx.spec().getReclaimPolicy() != ReclaimPolicy.Delete;
    }

    private static void deleting(DecisionContext ctx, String message) {
        ctx.draft().conditions().reconciling(ctx.gen(), Phase.Deleting, Reason.Deleting, message, ctx.now());
    }
}
