package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.BuildInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.OwnershipMark;

import java.util.ArrayList;
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
 *   <li>no OID was pinned and the outcome of that build was never observed (the operator stopped while it ran,
 *       or this very reconcile is the first look after it ended), and the index has exactly our definition.</li>
 * </ul>
 * The first look after a build pins the OID ({@link #pin}), so the window closes: an unmarked index that a person
 * creates later under the same name is never ours, whatever else status says.
 */
public final class Ownership {
    private Ownership() {
    }

    /** Our mark, with this resource's UID. */
    public static boolean marked(Catalog.IndexState idx, String uid) {
        return OwnershipMark.parse(idx.comment()).map(m -> m.ownerUid().equals(uid)).orElse(false);
    }

    /** Ours: marked with our UID, or unmarked inside the crash window ({@link #launched}). */
    public static boolean ours(Context ctx, Catalog.IndexState idx, Observation.Comparison comparison) {
        return marked(idx, ctx.req.uid()) || launched(ctx.st, idx, ctx.ended, comparison);
    }

    /**
     * The crash-window rule for an unmarked index (see the class comment). {@code ended.justSeen}: this
     * reconcile recorded the end of our job a moment ago and looks at the catalog for the first time since;
     * {@code ended.nameTaken}: that job failed because the name was already taken, so whatever holds it is not
     * ours. {@code comparison}: the index compared with the spec on the server.
     */
    public static boolean launched(PostgresIndexStatus st, Catalog.IndexState idx, Context.JobEnd ended,
            Observation.Comparison comparison) {
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
        boolean windowOpen = b.getFinishedAt() == null || (ended.justSeen() && !ended.nameTaken());
        return windowOpen && comparison.same();
    }

    /** Records the OID of the index our build of this target produced: from now on only that OID is ours. */
    public static void pin(PostgresIndexStatus st, Catalog.IndexState idx) {
        BuildInfo b = st.getBuild();
        if (b != null && b.getIndexOid() == null && Operation.of(b).builds()
                && (idx.tableSchema() + "." + idx.name()).equals(b.getTarget())) {
            b.setIndexOid(idx.oid());
        }
    }

    /**
     * REINDEX INDEX CONCURRENTLY leftovers ({@code name_ccnew}, {@code name_ccold}) carry no mark. They are ours
     * when our own REINDEX of this index left them: at the first look after it ended ({@code reindexJustEnded}), or
     * after a restart while status still says our REINDEX was running, their OIDs go into
     * {@code status.reindexLeftovers}. OIDs that no longer exist are forgotten.
     */
    public static void pinLeftovers(PostgresIndexStatus st, List<Catalog.IndexState> leftovers, boolean reindexJustEnded) {
        BuildInfo b = st.getBuild();
        boolean reindexWindow = Operation.of(b) == Operation.REINDEX
                && (reindexJustEnded || b.getFinishedAt() == null);
        Set<Long> owned = new TreeSet<>();
        Set<Long> present = new TreeSet<>();
        leftovers.forEach(l -> present.add(l.oid()));
        if (st.getReindexLeftovers() != null) {
            st.getReindexLeftovers().stream().filter(present::contains).forEach(owned::add);
        }
        if (reindexWindow) {
            owned.addAll(present);
        }
        st.setReindexLeftovers(owned.isEmpty() ? null : new ArrayList<>(owned));
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
