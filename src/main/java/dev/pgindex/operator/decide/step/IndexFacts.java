package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.IndexInfo;
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
        IndexInfo info = new IndexInfo();
        info.setName(ctx.def().qualifiedName());
        info.setOid(idx.oid());
        info.setDefinition(idx.definition());
        info.setAdopted(adopted);
        if (idx.relkind() == 'i') {
            info.setSizeBytes(idx.bytes());
        }
        ctx.status().setIndex(info);
        return adopted;
    }
}
