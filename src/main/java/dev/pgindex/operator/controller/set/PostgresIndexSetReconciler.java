package dev.pgindex.operator.controller.set;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSet;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.SetReason;
import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.kube.HeldEvents;
import dev.pgindex.operator.kube.Resources;
import dev.pgindex.operator.kube.StatusPatch;
import dev.pgindex.operator.postgres.Databases;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
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
import java.util.List;
import java.util.Map;

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
        List<PostgresIndex> owned = context.getSecondaryResources(PostgresIndex.class).stream()
                .filter(c -> isOwnedBy(c, set)).toList();
        SetPlan plan = SetPlan.decide(set, discover(set, client), owned, perDatabase, Instant.now());
        PostgresIndexSetStatus before = set.getStatus(); // the write below replaces it on this object
        HeldEvents<SetReason> events = new HeldEvents<>(client, set, false);
        plan.starts().forEach(s -> create(client, set, s.target(), s.childName()));
        plan.templateUpdates().forEach(c -> followTemplate(client, set, c));
        for (SetPlan.Removal r : plan.removals()) {
            client.resource(r.child()).delete();
            events.normal(SetReason.OldIndexRemoved, r.message());
        }
        if (plan.statusChanged()) {
            StatusPatch.write(set, context, plan.status(), SetPlan::copy);
        }
        SetEvents.transitions(events, before, plan.status(), plan.verdict());
        events.flush(); // after the write that kubectl wait and GitOps tools watch
        LOG.debugf("%s/%s: %s", set.getMetadata().getNamespace(), set.getMetadata().getName(),
                plan.verdict().message());
        return UpdateControl.<PostgresIndexSet>noUpdate().rescheduleAfter(resync.toMillis());
    }

    /**
     * Targets are read again once per resync interval, or at once when the spec changed; a child's status change
     * (which reconciles the set too) reuses the last read, so 1,000 children do not mean 1,000 catalog reads.
     */
    private TargetDiscovery.Found discover(PostgresIndexSet set, KubernetesClient client) {
        String uid = set.getMetadata().getUid();
        long generation = Resources.generation(set);
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

    /** The fields that may change in place follow the template (and the set's sslMode): {@link SetPlan}. */
    private static void followTemplate(KubernetesClient client, PostgresIndexSet set, PostgresIndex c) {
        PostgresIndexSpec want = set.getSpec().getTemplate();
        var ssl = set.getSpec().getDatabases().getSslMode();
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

    private static boolean isOwnedBy(PostgresIndex c, PostgresIndexSet set) {
        return c.getMetadata().getOwnerReferences() != null && c.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> set.getMetadata().getUid().equals(o.getUid()) && Boolean.TRUE.equals(o.getController()));
    }

}
