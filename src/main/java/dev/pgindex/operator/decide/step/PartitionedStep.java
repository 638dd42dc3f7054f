package dev.pgindex.operator.decide.step;

import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.decide.BuildWatch;
import dev.pgindex.operator.decide.Decision;
import dev.pgindex.operator.decide.DecisionContext;
import dev.pgindex.operator.decide.DropJob;
import dev.pgindex.operator.decide.Jobs;
import dev.pgindex.operator.decide.Ownership;
import dev.pgindex.operator.decide.RetryGate;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.Ddl;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.Observation;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.Quoting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A partitioned table: PostgreSQL refuses CREATE INDEX CONCURRENTLY on it, so the index is built the way its
 * documentation describes, one step per decision, each found again from the catalog after a restart: the parent
 * index ON ONLY (catalog only; created and marked in one transaction), the same on every sub-partitioned table, a
 * concurrent build on each leaf partition (one at a time, as jobs, like any build), then ATTACH PARTITION bottom-up
 * under a short lock_timeout. PostgreSQL marks the parent valid once every partition has an attached valid index.
 */
public final class PartitionedStep implements Step {
    @Override
    public Optional<Decision> decide(DecisionContext ctx) {
        Observation obs = ctx.obs();
        if (!obs.table().map(Catalog.TableInfo::partitioned).orElse(false)) {
            return Optional.empty();
        }
        IndexDefinition def = ctx.def();
        if (ctx.spec().getConstraint() != null) {
            return Optional.of(ctx.stall(Reason.UnsupportedFeature, "PostgreSQL cannot add a constraint USING INDEX "
                    + "on a partitioned table; remove spec.constraint", null));
        }
        if (obs.builderBackend().isPresent()) {
            Reason blocked = BuildWatch.record(ctx, obs.watched(), null); // not our job: role not read
            return Optional.of(ctx.waitFor(Phase.Building, blocked == null ? Reason.BuildInProgress : blocked,
                    "a partition build started earlier (backend " + obs.builderBackend().get().pid() + ") is still "
                    + "running; waiting for it", ctx.settings().buildPollInterval()));
        }
        String myMark = new OwnershipMark(ctx.req().uid(), ctx.req().resource(), def.hash(), false).render();
        if (obs.index().isEmpty()) {
            return Optional.of(createParent(ctx, myMark));
        }
        Catalog.IndexState parent = obs.index().get();
        Optional<OwnershipMark> mark = obs.mark();
        boolean ours = Ownership.marked(parent, ctx.req().uid());
        if (mark.isPresent() && !ours) {
            return Optional.of(ctx.stallWithBackoff(Reason.OwnedByOther, OtherOwnerStep.message(def, mark.get())));
        }
        int leaves = (int) obs.partitions().stream().filter(n -> n.partition().leaf()).count();
        if (parent.healthy()) {
            if (!ours) {
                if (!obs.comparison().same()) {
                    return Optional.of(ctx.stallWithBackoff(Reason.DefinitionConflict, AdoptionStep.conflict(def,
                            obs.comparison().done() ? obs.comparison().differences() : "not compared", false)));
                }
                ctx.event(Decision.Event.normal(Reason.Adopted, "adopted the existing valid partitioned index "
                        + def.qualifiedName() + " without a rebuild"));
                return Optional.of(ctx.mark(def.schema(), def.name(), new OwnershipMark(ctx.req().uid(),
                        ctx.req().resource(), def.hash(), true).render()));
            }
            ctx.draft().facts().partitions(leaves, leaves, null);
            boolean adopted = IndexFacts.record(ctx);
            return Optional.of(ctx.ready(adopted, "partitioned index " + def.qualifiedName() + " is valid on all "
                    + leaves + " partitions", "partitioned index " + def.qualifiedName() + " is valid and ready"));
        }
        if (!ours) {
            return Optional.of(ctx.stallWithBackoff(Reason.InvalidIndexNotOwned, "partitioned index "
                    + def.qualifiedName() + " exists but is not valid yet (some partitions lack an attached valid "
                    + "index) and this resource did not create it, so it was not touched. Finish it (CREATE INDEX "
                    + "CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION) or drop it with DROP "
                    + "INDEX " + Quoting.qualified(def.schema(), def.name())));
        }
        return Optional.of(nextPartitionStep(ctx, myMark, leaves));
    }

    private static Decision createParent(DecisionContext ctx, String myMark) {
        IndexDefinition def = ctx.def();
        Observation obs = ctx.obs();
        String step = "creating " + def.qualifiedName() + " ON ONLY the partitioned table";
        if (obs.missingPrivilege() != null) {
            ctx.draft().failure().record(Reason.InsufficientPrivilege, "42501",
                    obs.missingPrivilege(), false, ctx.now());
            return ctx.stallWithBackoff(Reason.InsufficientPrivilege, obs.missingPrivilege());
        }
        if (obs.candidateProblem() != null) {
            return ctx.stepFailed(Reason.AttachingPartitions, null, step, obs.candidateProblem());
        }
        return ctx.shortLock(List.of(Ddl.createIndexOnOnly(def), Ddl.commentOnIndex(def.schema(), def.name(), myMark)),
                Decision.Event.normal(Reason.Building, "created " + def.qualifiedName() + " ON ONLY the partitioned "
                        + "table " + def.schema() + "." + def.table() + "; building it on each partition concurrently"),
                f -> ctx.stepFailed(Reason.AttachingPartitions, null, step, f));
    }

    /** The parent exists, is ours and not valid yet: the next sub-partition, leaf build or ATTACH. */
    private static Decision nextPartitionStep(DecisionContext ctx, String myMark, int leaves) {
        IndexDefinition def = ctx.def();
        List<Observation.PartitionNode> nodes = ctx.obs().partitions();
        for (Observation.PartitionNode n : nodes) {
            if (!n.partition().leaf() && n.index().isEmpty()) {
                IndexDefinition mid = onNode(def, n);
                return ctx.shortLock(List.of(Ddl.createIndexOnOnly(mid), Ddl.commentOnIndex(mid.schema(), mid.name(),
                        myMark)), null, f -> ctx.stepFailed(Reason.AttachingPartitions, null, "creating "
                        + mid.qualifiedName() + " ON ONLY " + mid.schema() + "." + mid.table(), f));
            }
        }
        int done = 0;
        for (Observation.PartitionNode n : nodes) {
            if (!n.partition().leaf()) {
                continue;
            }
            String where = n.partition().schema() + "." + n.partition().name();
            IndexDefinition childDef = onNode(def, n);
            if (n.index().isEmpty()) {
                Optional<Decision> gate = RetryGate.check(ctx, RetryGate.Work.PARTITION_BUILD);
                if (gate.isPresent()) {
                    return gate.get();
                }
                ctx.draft().facts().partitions(leaves, done, where);
                return ctx.start(Jobs.build(ctx, childDef, n.partition().oid(), false));
            }
            Catalog.IndexState ci = n.index().get();
            boolean marked = Ownership.marked(ci, ctx.req().uid());
            boolean ourBuilder = ci.buildingPid() != null && ctx.draft().status().getBuild() != null
                    && ci.buildingPid().equals(ctx.draft().status().getBuild().getBuilderPid());
            if (!marked && !ourBuilder && !Ownership.launched(ctx.draft().status(), ci, n.comparison())) {
                return ctx.stallWithBackoff(Reason.NameConflict, "partition " + where + " already has an index "
                        + "named " + n.indexName() + " that this resource did not build; it was not touched");
            }
            if (ci.buildingPid() != null) {
                return ctx.waitFor(Phase.Building, Reason.BuildInProgress, "the build of " + childDef.qualifiedName()
                        + " (backend " + ci.buildingPid() + ") is still running; waiting",
                        ctx.settings().buildPollInterval());
            }
            if (!marked) {
                // our build ended (or died) before its COMMENT ran: record ownership before status moves on
                return ctx.mark(childDef.schema(), childDef.name(), myMark);
            }
            if (!ci.healthy()) {
                ctx.draft().facts().partitions(leaves, done, where);
                return ctx.start(Jobs.drop(childDef, childDef.name(), n.partition().oid(), ci.oid(),
                        DropJob.Purpose.LEFTOVER));
            }
            if (n.attachedTo().isEmpty()) {
                return attach(ctx, n);
            }
            done++;
        }
        // sub-partitioned tables: their index turns valid once all theirs are attached; then attach it upwards
        List<Observation.PartitionNode> bottomUp = new ArrayList<>(nodes);
        bottomUp.sort(Comparator.comparingInt((Observation.PartitionNode n) -> n.partition().level()).reversed());
        for (Observation.PartitionNode n : bottomUp) {
            if (!n.partition().leaf() && n.index().isPresent() && n.index().get().healthy()
                    && n.attachedTo().isEmpty()) {
                return attach(ctx, n);
            }
        }
        ctx.draft().failure().clear();
        ctx.draft().facts().partitions(leaves, done, null);
        return ctx.waitFor(Phase.Building, Reason.AttachingPartitions, done + " of " + leaves + " partitions have "
                + "their index; attaching them to " + def.qualifiedName(), Duration.ofMillis(200));
    }

    private static Decision attach(DecisionContext ctx, Observation.PartitionNode n) {
        String parentSchema = ctx.def().schema();
        String parentIndex = ctx.def().name();
        for (Observation.PartitionNode up : ctx.obs().partitions()) {
            if (up.partition().oid() == n.partition().parentOid()) {
                parentSchema = up.partition().schema();
                parentIndex = up.indexName();
            }
        }
        String child = n.partition().schema() + "." + n.indexName();
        return ctx.shortLock(List.of(Ddl.attachPartition(parentSchema, parentIndex, n.partition().schema(),
                n.indexName())), null, f -> ctx.stepFailed(Reason.AttachingPartitions, null, "attaching " + child, f));
    }

    private static IndexDefinition onNode(IndexDefinition def, Observation.PartitionNode n) {
        return def.onPartition(n.partition().schema(), n.partition().name(), n.indexName());
    }
}
