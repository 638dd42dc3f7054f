package dev.pgindex.operator.decide.draft;

import dev.pgindex.operator.api.v1alpha1.ConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.IndexInfo;
import dev.pgindex.operator.api.v1alpha1.PartitionsInfo;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * Facts about the index as the catalog shows them: status.index, the spec hash, the rebuild token handled,
 * our REINDEX leftovers, status.partitions and status.constraint.
 */
public final class FactsDraft {
    private final PostgresIndexStatus st;

    FactsDraft(PostgresIndexStatus st) {
        this.st = st;
    }

    /** status.index ({@code sizeBytes}: null for a partitioned index). */
    public void index(String name, long oid, String definition, boolean adopted, Long sizeBytes) {
        IndexInfo info = new IndexInfo();
        info.setName(name);
        info.setOid(oid);
        info.setDefinition(definition);
        info.setAdopted(adopted);
        if (sizeBytes != null) {
            info.setSizeBytes(sizeBytes);
        }
        st.setIndex(info);
    }

    public void noIndex() {
        st.setIndex(null);
    }

    public void specHash(String hash) {
        st.setSpecHash(hash);
    }

    /** The spec.rebuild token whose REINDEX finished. */
    public void rebuilt(String token) {
        st.setRebuiltToken(token);
    }

    /** The OIDs of our REINDEX's leftovers (none: removed). */
    public void reindexLeftovers(List<Long> owned) {
        st.setReindexLeftovers(owned.isEmpty() ? null : new ArrayList<>(owned));
    }

    /** status.partitions: {@code done} of {@code total} leaves, {@code current} the one being worked on (or null). */
    public void partitions(int total, int done, String current) {
        PartitionsInfo p = new PartitionsInfo();
        p.setTotal(total);
        p.setDone(done);
        p.setDisplay(done + "/" + total);
        p.setCurrent(current);
        st.setPartitions(p);
    }

    public void noPartitions() {
        st.setPartitions(null);
    }

    /** status.constraint: the constraint the index backs ({@code type}: PrimaryKey, Unique or Exclusion). */
    public void constraint(String name, String type, String definition) {
        ConstraintStatus cs = new ConstraintStatus();
        cs.setName(name);
        cs.setType(type);
        cs.setDefinition(definition);
        st.setConstraint(cs);
    }

    public void noConstraint() {
        st.setConstraint(null);
    }
}
