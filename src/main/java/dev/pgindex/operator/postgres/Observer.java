package dev.pgindex.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one {@link Observation}: every catalog read of a reconcile, with bind parameters, on the monitor session.
 * What is read depends only on what the catalog shows and on {@link Needs}, never on a decision already taken.
 */
final class Observer {
    /** The largest number of blockers reported, and how much of each one's query text. */
    static final int BLOCKERS = 5;
    static final int BLOCKER_QUERY_CHARS = 200;

    /**
     * What the caller knows that decides which optional parts are worth reading.
     *
     * @param ownerUid        this resource's UID (an index marked with it is ours)
     * @param ourHashes       the spec hashes our marks may carry for this spec (today's and the legacy one)
     * @param builderSession  application_name of this resource's builder sessions
     * @param lookForBuilder  read our builder session even when the index exists and is not being built
     * @param primaryKeyWanted spec.constraint asks for a primary key
     */
    record Needs(String ownerUid, Set<String> ourHashes, String builderSession, boolean lookForBuilder,
            boolean primaryKeyWanted) {
    }

    private Observer() {
    }

    static Observation observe(Connection c, IndexDefinition def, Needs needs) throws SQLException {
        int version = Catalog.serverVersionNum(c);
        Optional<Catalog.TableInfo> table = Catalog.findTable(c, def.schema(), def.table());
        Optional<Catalog.IndexState> index = Catalog.findIndex(c, def.schema(), def.name());
        boolean partitioned = table.map(Catalog.TableInfo::partitioned).orElse(false);
        Optional<Catalog.IndexState> anIndex = index.filter(Catalog.IndexState::isIndex);

        Observation.Comparison comparison = anIndex.isPresent() && worthComparing(anIndex.get(), needs)
                ? compare(c, anIndex.get(), def) : Observation.Comparison.NOT_DONE;
        boolean building = anIndex.map(i -> i.buildingPid() != null).orElse(false);
        Optional<Catalog.Backend> builder = index.isEmpty() || building || partitioned || needs.lookForBuilder()
                ? Catalog.activeBackendNamed(c, needs.builderSession()) : Optional.empty();

        Observation.Watch watched = Observation.Watch.NONE;
        if (building) {
            watched = watch(c, anIndex.get().buildingPid(), anIndex.map(Catalog.IndexState::oid));
        } else if (partitioned && builder.isPresent()) {
            watched = watch(c, builder.get().pid(), Optional.empty());
        }

        List<Catalog.IndexState> leftovers = List.of();
        Optional<Catalog.ConstraintInfo> constraint = Optional.empty();
        List<String> nullable = List.of();
        Optional<Catalog.IndexState> healthyPlain = anIndex.filter(i -> i.healthy() && i.relkind() == 'i');
        if (healthyPlain.isPresent()) {
            Catalog.IndexState i = healthyPlain.get();
            leftovers = Catalog.reindexLeftovers(c, def.schema(), def.name(), i.tableOid());
            constraint = Catalog.constraintOf(c, i.oid());
            if (needs.primaryKeyWanted() && constraint.isEmpty()) {
                nullable = Catalog.nullableKeyColumns(c, i.oid());
            }
        }

        String missingPrivilege = null;
        SqlErrors.Failure candidateProblem = null;
        if (table.isPresent() && index.isEmpty() && builder.isEmpty()) {
            missingPrivilege = Catalog.missingPrivilege(c, table.get().oid());
            if (missingPrivilege == null) {
                candidateProblem = candidateProblem(c, def);
            }
        }

        List<Observation.PartitionNode> nodes = partitioned && anIndex.isPresent()
                ? partitions(c, table.get(), def, needs) : List.of();
        return new Observation(version, table, index, comparison, builder, watched, leftovers, constraint, nullable,
                missingPrivilege, candidateProblem, nodes);
    }

    /** Progress, blockers and the index being built, for this process's own job in backend {@code pid}. */
    static Observation.Watch watch(Connection c, int pid, IndexDefinition def) throws SQLException {
        return watch(c, pid, Catalog.findIndex(c, def.schema(), def.name())
                .filter(i -> Integer.valueOf(pid).equals(i.buildingPid())).map(Catalog.IndexState::oid));
    }

    /** Progress and blockers of the build in backend {@code pid}, whose index (if known) is {@code building}. */
    private static Observation.Watch watch(Connection c, int pid, Optional<Long> building) throws SQLException {
        Optional<Progress> progress = Progress.read(c, pid);
        // pg_blocking_pids briefly takes the whole lock manager, so ask only while the build can be waiting: before
        // its progress row exists (its first lock on the table) or in one of its wait phases
        boolean mayWait = progress.isEmpty() || progress.get().waiting();
        List<Blocker> blockers = mayWait ? Blocker.of(c, pid, BLOCKER_QUERY_CHARS, BLOCKERS) : List.of();
        return new Observation.Watch(pid, progress, blockers, building);
    }

    /**
     * Comparing costs a candidate build on an empty scratch table, so it runs only where ownership or adoption
     * depends on it: an index that is not being built, and carries no mark or our mark from another spec hash.
     */
    private static boolean worthComparing(Catalog.IndexState i, Needs needs) {
        if (i.buildingPid() != null) {
            return false;
        }
        Optional<OwnershipMark> mark = OwnershipMark.parse(i.comment());
        return mark.isEmpty() || (mark.get().ownerUid().equals(needs.ownerUid())
                && !needs.ourHashes().contains(mark.get().specHash()));
    }

    private static Observation.Comparison compare(Connection c, Catalog.IndexState i, IndexDefinition def)
            throws SQLException {
        return Observation.Comparison.of(IndexInspector.mismatch(c, i, def));
    }

    /** PostgreSQL's permanent objection to the definition, or null; a transient failure is thrown. */
    private static SqlErrors.Failure candidateProblem(Connection c, IndexDefinition def) throws SQLException {
        try {
            IndexInspector.candidate(c, def);
            return null;
        } catch (SQLException e) {
            SqlErrors.Failure f = SqlErrors.classify(e);
            if (f.isTransient()) {
                throw e;
            }
            return f;
        }
    }

    private static List<Observation.PartitionNode> partitions(Connection c, Catalog.TableInfo table,
            IndexDefinition def, Needs needs) throws SQLException {
        List<Observation.PartitionNode> nodes = new ArrayList<>();
        for (Partitions.Partition p : Partitions.tree(c, table.oid())) {
            if (p.level() == 0) {
                continue;
            }
            String name = Partitions.childIndexName(def.name(), p.name());
            Optional<Catalog.IndexState> child = Catalog.findIndex(c, p.schema(), name);
            Optional<Long> attached = child.isPresent() ? Partitions.attachedTo(c, child.get().oid()) : Optional.empty();
            Observation.Comparison cmp = child.isPresent() && child.get().buildingPid() == null
                    && OwnershipMark.parse(child.get().comment()).isEmpty()
                    ? compare(c, child.get(), def.onPartition(p.schema(), p.name(), name))
                    : Observation.Comparison.NOT_DONE;
            nodes.add(new Observation.PartitionNode(p, name, child, attached, cmp));
        }
        return nodes;
    }
}
