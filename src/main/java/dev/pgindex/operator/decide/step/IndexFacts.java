package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.OwnershipMark;

/** status.index: the valid index as PostgreSQL reports it, once it carries our mark. */
final class IndexFacts {
    private IndexFacts() {
    }

    /** Records the index and returns whether it was adopted. */
    static boolean record(DecisionContext ctx) {
        Catalog.IndexState idx = ctx.obs().index().orElseThrow();
        boolean adopted = ctx.obs().mark().map(OwnershipMark::adopted).orElse(false);
        ctx.draft().facts().index(ctx.def().qualifiedName(), idx.oid(), idx.definition(), adopted,
                idx.relkind() == 'i' ? idx.bytes() : null); // a partitioned index has no size of its own
        return adopted;
    }
}
