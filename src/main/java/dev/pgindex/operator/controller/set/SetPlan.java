package dev.pgindex.operator.controller.set;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSet;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.RolloutSpec;
import dev.pgindex.operator.kube.Resources;
import dev.pgindex.operator.status.SetConditions;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One reconcile of a PostgresIndexSet as a pure decision: from the set, what discovery found and the children it
 * owns, which targets start ({@link Rollout}), which children go (their index name was replaced and the
 * replacement is Ready, or their target is no longer one), which follow a template change, the status and the
 * verdict. No I/O and no clock but {@code now}: {@code SetPlanTest} is its table; the reconciler carries it out.
 *
 * @param starts          children to create, in rollout order
 * @param removals        children to delete, each with the event that says why
 * @param templateUpdates children whose in-place fields must follow the template (and the set's sslMode)
 * @param status          the set's next status
 * @param statusChanged   whether it differs from the one read (write it only then)
 * @param verdict         the set's conditions, for its events
 */
public record SetPlan(List<Start> starts, List<Removal> removals, List<PostgresIndex> templateUpdates,
        PostgresIndexSetStatus status, boolean statusChanged, Verdict verdict) {
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    /** A target to start, as the child of this name. */
    public record Start(Rollout.Target target, String childName) {
    }

    /** A child to delete, and the message of its OldIndexRemoved event. */
    public record Removal(PostgresIndex child, String message) {
    }

    public static SetPlan decide(PostgresIndexSet set, TargetDiscovery.Found found, List<PostgresIndex> owned,
            int perDatabase, Instant now) {
        String indexName = set.getSpec().getTemplate().getName();
        Map<String, PostgresIndex> byName = new HashMap<>();
        owned.forEach(c -> byName.put(c.getMetadata().getName(), c));
        // targets in rollout order; a database whose schemas could not be read keeps the targets it had
        List<Rollout.Target> targets = new ArrayList<>();
        Map<String, String> childNameOf = new HashMap<>();
        for (Map.Entry<String, List<String>> db : found.schemas().entrySet()) {
            List<String> schemas = db.getValue();
            if (schemas == null) {
                TreeSet<String> kept = new TreeSet<>(listed(set));
                owned.stream().filter(c -> db.getKey().equals(secretOf(c)) && indexName.equals(c.getSpec().getName()))
                        .forEach(c -> kept.add(c.getSpec().getSchema()));
                schemas = List.copyOf(kept);
            }
            for (String schema : schemas) {
                String name = Children.name(set.getMetadata().getName(), db.getKey(), schema, indexName);
                PostgresIndex child = byName.get(name);
                Rollout.State state = Children.state(child);
                String detail = state == Rollout.State.STALLED ? Children.reason(child).map(Enum::name).orElse(null)
                        : null;
                Rollout.Target t = new Rollout.Target(db.getKey(), schema, state, detail);
                targets.add(t);
                childNameOf.put(t.key(), name);
            }
        }
        RolloutSpec r = set.getSpec().getRollout() == null ? new RolloutSpec() : set.getSpec().getRollout();
        Rollout.Plan plan = Rollout.decide(targets, new Rollout.Limits(r.getCanary(), r.getMaxInFlight(),
                r.getFailureBudget(), perDatabase));
        List<Start> starts = plan.start().stream().map(t -> new Start(t, childNameOf.get(t.key()))).toList();

        Map<String, Rollout.Target> byKey = new HashMap<>();
        targets.forEach(t -> byKey.put(t.key(), t));
        Set<String> current = Set.copyOf(childNameOf.values());
        List<Removal> removals = new ArrayList<>();
        List<PostgresIndex> templateUpdates = new ArrayList<>();
        int old = 0;
        for (PostgresIndex c : owned) {
            String name = c.getMetadata().getName();
            if (current.contains(name)) {
                if (!followsTemplate(set, c)) {
                    templateUpdates.add(c);
                }
                continue;
            }
            old++;
            if (c.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String db = secretOf(c);
            Rollout.Target target = byKey.get(db + "/" + c.getSpec().getSchema());
            boolean replaced = target != null && (target.state() == Rollout.State.READY
                    || target.state() == Rollout.State.TABLE_MISSING);
            boolean gone = target == null && (found.schemas().containsKey(db) ? found.schemas().get(db) != null
                    : found.databasesComplete());
            if (replaced || gone) {
                removals.add(new Removal(c, "deleted PostgresIndex " + name + " (" + (replaced ? "replaced by "
                        + childNameOf.get(target.key()) + ", index " + indexName : "no longer a target")
                        + "); its reclaimPolicy " + c.getSpec().getReclaimPolicy() + " applies"));
            }
        }

        Verdict verdict = Verdict.of(plan, new Verdict.Discovery(found.secretListProblem(), found.unreachable(), old,
                r.getFailureBudget()));
        PostgresIndexSetStatus status = status(set, plan, found, verdict, indexName, now);
        return new SetPlan(starts, removals, templateUpdates, status, !json(set.getStatus()).equals(json(status)),
                verdict);
    }

    /** Whether a child's in-place fields (reclaimPolicy, retryLimit, buildDeadline, rebuild, sslMode) match. */
    static boolean followsTemplate(PostgresIndexSet set, PostgresIndex c) {
        PostgresIndexSpec want = set.getSpec().getTemplate();
        PostgresIndexSpec have = c.getSpec();
        return Objects.equals(want.getReclaimPolicy(), have.getReclaimPolicy())
                && Objects.equals(want.getRetryLimit(), have.getRetryLimit())
                && Objects.equals(want.getBuildDeadline(), have.getBuildDeadline())
                && Objects.equals(want.getRebuild(), have.getRebuild())
                && Objects.equals(set.getSpec().getDatabases().getSslMode(), have.getConnection().getSslMode());
    }

    private static PostgresIndexSetStatus status(PostgresIndexSet set, Rollout.Plan plan, TargetDiscovery.Found found,
            Verdict verdict, String indexName, Instant now) {
        PostgresIndexSetStatus s = set.getStatus() == null ? new PostgresIndexSetStatus() : copy(set.getStatus());
        s.setIndexName(indexName);
        s.setTargets(plan.targets());
        s.setReady(plan.ready());
        s.setBuilding(plan.building());
        s.setWaiting(plan.waiting());
        s.setStalled(plan.stalled());
        s.setTableMissing(plan.tableMissing());
        s.setStalledTargets(plan.stalledTargets().stream().limit(PostgresIndexSetStatus.MAX_LISTED)
                .map(t -> Children.name(set.getMetadata().getName(), t.database(), t.schema(), indexName) + " ("
                        + t.key() + "): " + t.detail()).toList());
        s.setTableMissingTargets(plan.tableMissingTargets().stream().limit(PostgresIndexSetStatus.MAX_LISTED)
                .map(Rollout.Target::key).toList());
        s.setUnreachableDatabases(found.unreachable().stream().limit(PostgresIndexSetStatus.MAX_LISTED).toList());
        SetConditions.apply(s, verdict.kind() == Verdict.Kind.READY, verdict.kind() == Verdict.Kind.RECONCILING,
                verdict.kind() == Verdict.Kind.STALLED, verdict.reason(), verdict.message(), Resources.generation(set),
                now);
        return s;
    }

    private static List<String> listed(PostgresIndexSet set) {
        var schemas = set.getSpec().getSchemas();
        if (schemas == null || (schemas.getNames() == null && schemas.getPattern() == null)) {
            return List.of("public");
        }
        return schemas.getNames() == null ? List.of() : schemas.getNames();
    }

    private static String secretOf(PostgresIndex c) {
        return c.getSpec() == null || c.getSpec().getConnection() == null ? null
                : c.getSpec().getConnection().getSecretName();
    }

    private static String json(Object o) {
        try {
            return o == null ? "" : JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deep copy of a set's status. */
    static PostgresIndexSetStatus copy(PostgresIndexSetStatus s) {
        return JSON.convertValue(s, PostgresIndexSetStatus.class);
    }
}
