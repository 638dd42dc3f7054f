package dev.pgindex.operator.reconciler.set;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSet;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.RolloutSpec;
import dev.pgindex.operator.api.v1alpha1.SetReason;
import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.postgres.Databases;
import dev.pgindex.operator.status.SetConditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles PostgresIndexSets: finds the targets, stamps one PostgresIndex per target (owned through
 * ownerReferences, like a Deployment's ReplicaSets) at the pace {@link Rollout} decides, removes the children of a
 * previous index name once their replacement is Ready, and sums the children up in the set's status. The children
 * do the database work themselves; this class never builds anything.
 */
@ControllerConfiguration(name = "postgresindexset")
public class PostgresIndexSetReconciler implements Reconciler<PostgresIndexSet> {
    private static final Logger LOG = Logger.getLogger(PostgresIndexSetReconciler.class);
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    private final Databases databases;
    private final Duration resync;
    private final int perDatabase;
    private InformerEventSource<PostgresIndex, PostgresIndexSet> children;
    private final Map<String, Discovered> discovered = new java.util.concurrent.ConcurrentHashMap<>();

    @Inject
    public PostgresIndexSetReconciler(OperatorConfig config) {
        this.databases = new Databases((int) Math.max(1, config.connectTimeout().toSeconds()), 30);
        this.resync = config.resyncInterval();
        this.perDatabase = Math.max(1, config.buildsPerDatabase());
    }

    @Override
    public List<EventSource<?, PostgresIndexSet>> prepareEventSources(EventSourceContext<PostgresIndexSet> context) {
        // only PostgresIndexes a set stamped (they carry the set label), mapped to their owner
        children = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(PostgresIndex.class, PostgresIndexSet.class)
                .withName("set-children")
                .withLabelSelector(Children.SET_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(PostgresIndexSet.class))
                .build(), context);
        return List.of(children);
    }

    @Override
    public UpdateControl<PostgresIndexSet> reconcile(PostgresIndexSet set, Context<PostgresIndexSet> context) {
        KubernetesClient client = context.getClient();
        String ns = set.getMetadata().getNamespace();
        String indexName = set.getSpec().getTemplate().getName();
        TargetDiscovery.Found found = discover(set, client);

        Map<String, PostgresIndex> owned = new LinkedHashMap<>();
        for (PostgresIndex c : context.getSecondaryResources(PostgresIndex.class)) {
            if (isOwnedBy(c, set)) {
                owned.put(c.getMetadata().getName(), c);
            }
        }
        // targets in rollout order; a database whose schemas could not be read keeps the targets it had
        List<Rollout.Target> targets = new ArrayList<>();
        Map<String, String> childNameOf = new HashMap<>();
        for (Map.Entry<String, List<String>> db : found.schemas().entrySet()) {
            List<String> schemas = db.getValue();
            if (schemas == null) {
                java.util.TreeSet<String> kept = new java.util.TreeSet<>(listed(set));
                owned.values().stream().filter(c -> db.getKey().equals(secretOf(c))
                        && indexName.equals(c.getSpec().getName())).forEach(c -> kept.add(c.getSpec().getSchema()));
                schemas = List.copyOf(kept);
            }
            for (String schema : schemas) {
                String name = Children.name(set.getMetadata().getName(), db.getKey(), schema, indexName);
                PostgresIndex child = owned.get(name);
                Rollout.State state = Children.state(child);
                String detail = state == Rollout.State.STALLED ? Children.reason(child).map(Enum::name).orElse(null) : null;
                Rollout.Target t = new Rollout.Target(db.getKey(), schema, state, detail);
                targets.add(t);
                childNameOf.put(t.key(), name);
            }
        }
        RolloutSpec r = set.getSpec().getRollout() == null ? new RolloutSpec() : set.getSpec().getRollout();
        Rollout.Plan plan = Rollout.decide(targets, new Rollout.Limits(r.getCanary(), r.getMaxInFlight(),
                r.getFailureBudget(), perDatabase));

        SetEvents events = new SetEvents(client, set);
        for (Rollout.Target t : plan.start()) {
            create(client, set, t, childNameOf.get(t.key()));
        }
        Map<String, Rollout.Target> byKey = targets.stream().collect(Collectors.toMap(Rollout.Target::key, t -> t));
        Set<String> current = Set.copyOf(childNameOf.values());
        int old = 0;
        for (PostgresIndex c : owned.values()) {
            String name = c.getMetadata().getName();
            if (current.contains(name)) {
                followTemplate(client, set, c);
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
                client.resource(c).delete();
                events.normal(SetReason.OldIndexRemoved, "deleted PostgresIndex " + name + " ("
                        + (replaced ? "replaced by " + childNameOf.get(target.key()) + ", index " + indexName
                        : "no longer a target") + "); its reclaimPolicy " + c.getSpec().getReclaimPolicy()
                        + " applies");
            }
        }

        Verdict verdict = Verdict.of(plan, new Verdict.Discovery(found.secretListProblem(), found.unreachable(), old,
                r.getFailureBudget()));
        PostgresIndexSetStatus before = set.getStatus();
        PostgresIndexSetStatus status = status(set, plan, found, verdict, indexName);
        if (!json(before).equals(json(status))) {
            PostgresIndexSetStatus copy = copy(status);
            PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(set, context, s -> {
                s.setStatus(copy(copy));
                return s;
            });
        }
        events.transitions(before, status, verdict); // after the write that kubectl wait and GitOps tools watch
        LOG.debugf("%s/%s: %s", ns, set.getMetadata().getName(), verdict.message());
        return UpdateControl.<PostgresIndexSet>noUpdate().rescheduleAfter(resync.toMillis());
    }

    /**
     * Targets are read again once per resync interval, or at once when the spec changed; a child's status change
     * (which reconciles the set too) reuses the last read, so 1,000 children do not mean 1,000 catalog reads.
     */
    private TargetDiscovery.Found discover(PostgresIndexSet set, KubernetesClient client) {
        String uid = set.getMetadata().getUid();
        long generation = set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
        Instant now = Instant.now();
        Discovered last = discovered.get(uid);
        if (last != null && last.generation() == generation && last.at().plus(resync).isAfter(now)) {
            return last.found();
        }
        TargetDiscovery.Found found = new TargetDiscovery(client, databases).discover(set.getMetadata().getNamespace(),
                set.getSpec());
        if (discovered.size() > 10_000) {
            discovered.clear(); // sets come and go; a bound instead of a cleanup hook
        }
        discovered.put(uid, new Discovered(generation, now, found));
        return found;
    }

    private record Discovered(long generation, Instant at, TargetDiscovery.Found found) {
    }

    private void create(KubernetesClient client, PostgresIndexSet set, Rollout.Target t, String name) {
        PostgresIndexSpec spec = JSON.convertValue(set.getSpec().getTemplate(), PostgresIndexSpec.class);
        ConnectionRef connection = new ConnectionRef();
        connection.setSecretName(t.database());
        connection.setSslMode(set.getSpec().getDatabases().getSslMode());
        spec.setConnection(connection);
        spec.setSchema(t.schema());
        PostgresIndex child = new PostgresIndex();
        child.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(set.getMetadata().getNamespace())
                .withLabels(Children.labels(set.getMetadata().getName(), t.database(), t.schema()))
                .withOwnerReferences(owner(set)).build());
        child.setSpec(spec);
        try {
            PostgresIndex created = client.resource(child).create();
            // seen at once by the next reconcile, before the informer's event arrives
            children.handleRecentResourceCreate(ResourceID.fromResource(set), created);
            LOG.infof("%s/%s: started target %s as PostgresIndex %s", set.getMetadata().getNamespace(),
                    set.getMetadata().getName(), t.key(), name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            adopt(client, set, t, name);
        }
    }

    /**
     * The child's name is taken: a child this set's name stamped and nobody controls (left by
     * {@code kubectl delete pgidxset --cascade=orphan}, then the set applied again) is adopted, like a ReplicaSet's
     * Pods; anything else is left alone and the target does not start.
     */
    private static void adopt(KubernetesClient client, PostgresIndexSet set, Rollout.Target t, String name) {
        var existing = client.resources(PostgresIndex.class).inNamespace(set.getMetadata().getNamespace())
                .withName(name);
        PostgresIndex found = existing.get();
        if (found != null && isOwnedBy(found, set)) {
            return; // ours already (the informer has not caught up)
        }
        boolean controlled = found != null && found.getMetadata().getOwnerReferences() != null
                && found.getMetadata().getOwnerReferences().stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()));
        String label = found == null || found.getMetadata().getLabels() == null ? null
                : found.getMetadata().getLabels().get(Children.SET_LABEL);
        if (found == null || controlled || !Children.labelValue(set.getMetadata().getName()).equals(label)) {
            LOG.warnf("%s/%s: PostgresIndex %s exists and is not this set's to adopt; target %s does not start",
                    set.getMetadata().getNamespace(), set.getMetadata().getName(), name, t.key());
            return;
        }
        existing.edit(c -> {
            List<io.fabric8.kubernetes.api.model.OwnerReference> refs = new ArrayList<>(
                    c.getMetadata().getOwnerReferences() == null ? List.of() : c.getMetadata().getOwnerReferences());
            refs.add(owner(set));
            c.getMetadata().setOwnerReferences(refs);
            return c;
        });
        LOG.infof("%s/%s: adopted PostgresIndex %s for target %s", set.getMetadata().getNamespace(),
                set.getMetadata().getName(), name, t.key());
    }

    private static io.fabric8.kubernetes.api.model.OwnerReference owner(PostgresIndexSet set) {
        return new OwnerReferenceBuilder().withApiVersion(set.getApiVersion()).withKind(set.getKind())
                .withName(set.getMetadata().getName()).withUid(set.getMetadata().getUid()).withController(true)
                .withBlockOwnerDeletion(true).build();
    }

    /** The fields that may change in place follow the template (and the set's sslMode) on every child. */
    private static void followTemplate(KubernetesClient client, PostgresIndexSet set, PostgresIndex c) {
        PostgresIndexSpec want = set.getSpec().getTemplate();
        PostgresIndexSpec have = c.getSpec();
        var ssl = set.getSpec().getDatabases().getSslMode();
        if (Objects.equals(want.getReclaimPolicy(), have.getReclaimPolicy())
                && Objects.equals(want.getRetryLimit(), have.getRetryLimit())
                && Objects.equals(want.getBuildDeadline(), have.getBuildDeadline())
                && Objects.equals(want.getRebuild(), have.getRebuild())
                && Objects.equals(ssl, have.getConnection().getSslMode())) {
            return;
        }
        client.resources(PostgresIndex.class).inNamespace(c.getMetadata().getNamespace())
                .withName(c.getMetadata().getName()).edit(e -> {
                    e.getSpec().setReclaimPolicy(want.getReclaimPolicy());
                    e.getSpec().setRetryLimit(want.getRetryLimit());
                    e.getSpec().setBuildDeadline(want.getBuildDeadline());
                    e.getSpec().setRebuild(want.getRebuild());
                    e.getSpec().getConnection().setSslMode(ssl);
                    return e;
                });
    }

    private static PostgresIndexSetStatus status(PostgresIndexSet set, Rollout.Plan plan,
            TargetDiscovery.Found found, Verdict verdict, String indexName) {
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
        long generation = set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
        SetConditions.apply(s, verdict.kind() == Verdict.Kind.READY, verdict.kind() == Verdict.Kind.RECONCILING,
                verdict.kind() == Verdict.Kind.STALLED, verdict.reason().name(), verdict.message(), generation,
                Instant.now());
        return s;
    }

    private static List<String> listed(PostgresIndexSet set) {
        var schemas = set.getSpec().getSchemas();
        if (schemas == null || (schemas.getNames() == null && schemas.getPattern() == null)) {
            return List.of("public");
        }
        return schemas.getNames() == null ? List.of() : schemas.getNames();
    }

    private static boolean isOwnedBy(PostgresIndex c, PostgresIndexSet set) {
        return c.getMetadata().getOwnerReferences() != null && c.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> set.getMetadata().getUid().equals(o.getUid()) && Boolean.TRUE.equals(o.getController()));
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

    private static PostgresIndexSetStatus copy(PostgresIndexSetStatus s) {
        return JSON.convertValue(s, PostgresIndexSetStatus.class);
    }
}
