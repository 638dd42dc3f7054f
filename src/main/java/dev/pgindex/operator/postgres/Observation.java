package dev.pgindex.operator.postgres;

import java.util.List;
import java.util.Optional;

/**
 * Everything one reconcile knows about the database, read at once by the {@link Observer} on one monitor session
 * and never changed afterwards: the decision is a pure function of it (with the spec, the last status and the
 * clock). Parts that only some decisions need are read only when the catalog says they can matter (see each
 * field); an absent part is empty, never stale.
 *
 * @param serverVersion      server_version_num
 * @param table              the table named by the spec
 * @param index              the relation that carries the index name (an index, or something else: a conflict)
 * @param comparison         the index compared with the spec on the server, when ownership or adoption needs it
 * @param builderBackend     our builder session (application_name) still at work, after a restart for example
 * @param watched            progress and blockers of the build being waited for
 * @param reindexLeftovers   invalid name_ccnew/name_ccold indexes on the table (read once the index is valid)
 * @param constraint         the constraint the index backs (read once the index is valid)
 * @param nullableKeyColumns key columns that may be NULL (read when a primary key is wanted and absent)
 * @param missingPrivilege   what stops this role from building on the table, or null (read before a build)
 * @param candidateProblem   PostgreSQL's objection to the definition on an empty copy of the table, or null
 * @param partitions         the partition tree with each node's index, for a partitioned table whose parent index
 *                           exists
 */
public record Observation(int serverVersion, Optional<Catalog.TableInfo> table, Optional<Catalog.IndexState> index,
        Comparison comparison, Optional<Catalog.Backend> builderBackend, Watch watched,
        List<Catalog.IndexState> reindexLeftovers, Optional<Catalog.ConstraintInfo> constraint,
        List<String> nullableKeyColumns, String missingPrivilege, SqlErrors.Failure candidateProblem,
        List<PartitionNode> partitions) {

    public Observation {
        reindexLeftovers = List.copyOf(reindexLeftovers);
        nullableKeyColumns = List.copyOf(nullableKeyColumns);
        partitions = List.copyOf(partitions);
    }

    /** The mark in the index's comment, if it carries one. */
    public Optional<OwnershipMark> mark() {
        return index.flatMap(i -> OwnershipMark.parse(i.comment()));
    }

    /**
     * An existing index compared with the spec on the server (see {@link IndexInspector#mismatch}).
     *
     * @param done        whether the comparison ran
     * @param differences null when they are the same index; otherwise what differs and both definitions
     */
    public record Comparison(boolean done, String differences) {
        public static final Comparison NOT_DONE = new Comparison(false, null);
        public static final Comparison SAME = new Comparison(true, null);

        public static Comparison of(String differences) {
            return new Comparison(true, differences);
        }

        public boolean same() {
            return done && differences == null;
        }
    }

    /** What the build being waited for is doing: its progress row and the sessions it waits for. */
    public record Watch(int pid, Optional<Progress> progress, List<Blocker> blockers, Optional<Long> buildingIndexOid) {
        public static final Watch NONE = new Watch(0, Optional.empty(), List.of(), Optional.empty());

        public Watch {
            blockers = List.copyOf(blockers);
        }
    }

    /**
     * One table of a partition tree and the index this resource wants on it ({@code indexName}): its state, the
     * index it is attached to, and its comparison with the spec when it carries no mark.
     */
    public record PartitionNode(Partitions.Partition partition, String indexName, Optional<Catalog.IndexState> index,
            Optional<Long> attachedTo, Comparison comparison) {
    }
}
