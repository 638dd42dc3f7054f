package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.decide.draft.StatusDraft;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.OwnershipMark;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one rule for "is this index ours?", asked by every path that could drop or alter an index (deletion, the
 * cleanup of an invalid leftover, partition builds, REINDEX leftovers, constraints).
 *
 * <p>An index is ours when its COMMENT carries our mark with this resource's UID. Without a mark it is ours only
 * in the crash window between our CREATE INDEX CONCURRENTLY and its COMMENT: status records that we launched a
 * build of exactly this name ({@code status.build}, written before the DDL was sent), and either
 * <ul>
 *   <li>status pinned the OID of what we built ({@code status.build.indexOid}) and it is this index's OID, or</li>
 *   <li>no OID was pinned, the catalog was not yet checked since the build ended (the operator stopped while it
 *       ran, or this is the first successful look since), and the index has exactly our definition.</li>
 * </ul>
 * The first look that sees the build over pins the OID of what it built ({@link #pin}) and closes the window
 * ({@link #closeWindow}): an unmarked index that a person creates later under the same name is never ours,
 * whatever else status says.
 */
public final class Ownership {
    private Ownership() {
    }

    /** Our mark, with this resource's UID. */
    public static boolean marked(Catalog.IndexState idx, String uid) {
        return OwnershipMark.parse(idx.comment()).map(m -> m.ownerUid().equals(uid)).orElse(false);
    }

    /** Ours: marked with our UID, or unmarked inside the crash window ({@link #launched}). */
    public static boolean ours(DecisionContext ctx, Catalog.IndexState idx, Observation.Comparison comparison) {
        return marked(idx, ctx.req.uid()) || launched(ctx.draft().status(), idx, comparison);
    }

    /**
     * The crash-window rule for an unmarked index (see the class comment): our recorded build of this name, and
     * either its pinned OID, or (nothing pinned, the catalog not yet checked since it ended) exactly our
     * definition ({@code comparison}, made on the server).
     */
    public static boolean launched(PostgresIndexStatus st, Catalog.IndexState idx, Observation.Comparison comparison) {
        if (OwnershipMark.parse(idx.comment()).isPresent()) {
            return false;
        }
        BuildInfo b = st.getBuild();
        if (b == null || b.getStatement() == null || !Operation.of(b).builds()) {
            return false;
        }
        if (b.getTarget() == null || !b.getTarget().equals(idx.tableSchema() + "." + idx.name())) {
            return false;
        }
        if (b.getIndexOid() != null) {
            return b.getIndexOid() == idx.oid();
        }
        return windowOpen(b) && comparison.same();
    }

    /**
     * Closes the crash window of the recorded build once an observation shows it over (no builder session of
     * ours, the index not being built): whatever that observation found of ours was pinned by the step that
     * decided on it, and nothing found later is ours without our mark or the pinned OID. A look that failed
     * (the database down right after the build) closes nothing.
     */
    public static void closeWindow(DecisionContext ctx) {
        BuildInfo b = ctx.draft().status().getBuild();
        Observation obs = ctx.obs;
        if (b == null || obs == null || !Operation.of(b).builds() || Boolean.TRUE.equals(b.getCatalogChecked())) {
            return;
        }
        boolean over = obs.builderBackend().isEmpty()
                && obs.index().map(i -> i.buildingPid() == null).orElse(true)
                && obs.partitions().stream().allMatch(n -> n.index().map(i -> i.buildingPid() == null).orElse(true));
        if (over) {
            ctx.draft().intent().catalogChecked();
        }
    }

    /**
     * The catalog was not checked since the build ended: it never ended as far as status knows (the operator
     * stopped while it ran), or it ended and the look after it is still to come (catalogChecked false). A status
     * written before catalogChecked existed, with the build ended, had that look long ago.
     */
    private static boolean windowOpen(BuildInfo b) {
        if (Boolean.TRUE.equals(b.getCatalogChecked())) {
            return false;
        }
        return b.getFinishedAt() == null || Boolean.FALSE.equals(b.getCatalogChecked());
    }

    /**
     * Pins the OID of our recorded build's index wherever this observation shows it as ours: marked, being built by
     * our recorded builder, or inside the crash window. Runs before any step decides, so every step sees the same
     * answer and none has to remember to pin.
     */
    public static void pinObserved(DecisionContext ctx) {
        BuildInfo b = ctx.draft().status().getBuild();
        if (b == null || ctx.obs == null) {
            return;
        }
        ctx.obs.index().filter(Catalog.IndexState::isIndex)
                .ifPresent(i -> pinIfOurs(ctx, i, ctx.obs.comparison()));
        for (Observation.PartitionNode n : ctx.obs.partitions()) {
            n.index().ifPresent(i -> pinIfOurs(ctx, i, n.comparison()));
        }
    }

    private static void pinIfOurs(DecisionContext ctx, Catalog.IndexState idx, Observation.Comparison comparison) {
        BuildInfo b = ctx.draft().status().getBuild();
        boolean ourBuilder = idx.buildingPid() != null && idx.buildingPid().equals(b.getBuilderPid());
        if (marked(idx, ctx.req.uid()) || ourBuilder || launched(ctx.draft().status(), idx, comparison)) {
            pin(ctx.draft(), idx);
        }
    }

    /** Records the OID of the index our build of this target produced: from now on only that OID is ours. */
    public static void pin(StatusDraft draft, Catalog.IndexState idx) {
        BuildInfo b = draft.status().getBuild();
        if (b != null && b.getIndexOid() == null && Operation.of(b).builds()
                && (idx.tableSchema() + "." + idx.name()).equals(b.getTarget())) {
            draft.intent().pinIndexOid(idx.oid());
        }
    }

    /**
     * REINDEX INDEX CONCURRENTLY leftovers ({@code name_ccnew}, {@code name_ccold}) carry no mark. They are ours
     * when our own REINDEX of this index left them: found while its crash window is open (the catalog not yet
     * checked since it ended, see {@link #closeWindow}), their OIDs go into {@code status.reindexLeftovers}. OIDs
     * that no longer exist are forgotten.
     */
    public static void pinLeftovers(StatusDraft draft, List<Catalog.IndexState> leftovers) {
        PostgresIndexStatus st = draft.status();
        BuildInfo b = st.getBuild();
        boolean reindexWindow = Operation.of(b) == Operation.REINDEX && windowOpen(b);
        Set<Long> owned = new TreeSet<>();
        Set<Long> present = new TreeSet<>();
        leftovers.forEach(l -> present.add(l.oid()));
        if (st.getReindexLeftovers() != null) {
            st.getReindexLeftovers().stream().filter(present::contains).forEach(owned::add);
        }
        if (reindexWindow) {
            owned.addAll(present);
        }
        draft.facts().reindexLeftovers(List.copyOf(owned));
    }

    public static boolean ownedLeftover(PostgresIndexStatus st, Catalog.IndexState leftover) {
        return st.getReindexLeftovers() != null && st.getReindexLeftovers().contains(leftover.oid());
    }

    /** The operation recorded in status.build, read safely (an unknown or absent value is {@link #UNKNOWN}). */
    public enum Operation {
        BUILD("Build"), REINDEX("Reindex"), DROP("Drop"), UNKNOWN("");

        public final String text;

        Operation(String text) {
            this.text = text;
        }

        public boolean builds() {
            return this == BUILD || this == REINDEX;
        }

        public static Operation of(BuildInfo b) {
            String op = b == null ? null : b.getOperation();
            for (Operation o : values()) {
                if (o != UNKNOWN && o.text.equals(op)) {
                    return o;
                }
            }
            return UNKNOWN;
        }
    }
}
