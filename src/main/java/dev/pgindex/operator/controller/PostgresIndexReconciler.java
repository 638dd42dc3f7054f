package dev.pgindex.operator.controller;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.decide.Request;
import dev.pgindex.operator.engine.DeleteOutcome;
import dev.pgindex.operator.engine.EngineMetrics;
import dev.pgindex.operator.engine.Events;
import dev.pgindex.operator.engine.IndexEngine;
import dev.pgindex.operator.engine.Outcome;
import dev.pgindex.operator.kube.HeldEvents;
import dev.pgindex.operator.kube.Resources;
import dev.pgindex.operator.kube.StatusPatch;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.StatusCopies;
import dev.pgindex.operator.status.StatusWrites;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The thin Kubernetes side: reads the Secret, hands spec and status to the {@link IndexEngine}, writes status
 * (only when it changed, with optimistic locking), raises events and manages the finalizer.
 */
@ControllerConfiguration(name = "postgresindex")
public class PostgresIndexReconciler implements Reconciler<PostgresIndex>, Cleaner<PostgresIndex> {
    private static final Logger LOG = Logger.getLogger(PostgresIndexReconciler.class);

    private final IndexEngine engine;
    private final EngineMetrics metrics;
    private final Duration progressWriteInterval;
    private final Map<String, Instant> lastStatusWrite = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The last connection that worked for each resource (by UID). When a namespace is deleted its Secrets may go
     * before the PostgresIndex finalizer runs; deletion then uses this to still drop (reclaimPolicy Delete) or
     * release the index. Only held in memory: after an operator restart the delete grace period applies.
     */
    private final Map<String, ConnectionInfo> lastConnection = new java.util.concurrent.ConcurrentHashMap<>();
    private final SecretCache secrets;
    private final SimpleInboundEventSource<PostgresIndex> buildEvents = new SimpleInboundEventSource<>("build-events");

    @Inject
    public PostgresIndexReconciler(IndexEngine engine, EngineMetrics metrics, OperatorConfig config) {
        this.engine = engine;
        this.metrics = metrics;
        this.progressWriteInterval = config.progressWriteInterval();
        this.secrets = new SecretCache(config.secretCacheTtl(), Instant::now);
        HeldEvents.operatorPod(config.podNamespace().orElse(null), config.podName().orElse(null));
    }

    @Override
    public List<EventSource<?, PostgresIndex>> prepareEventSources(EventSourceContext<PostgresIndex> context) {
        return List.of(buildEvents);
    }

    @Override
    public UpdateControl<PostgresIndex> reconcile(PostgresIndex resource, Context<PostgresIndex> context)
            throws Exception {
        String ns = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        Request req = UsageReplicas.with(request(resource, context.getClient(), secrets), resource,
                context.getClient(), secrets);
        if (req.connection() != null) {
            lastConnection.put(resource.getMetadata().getUid(), req.connection());
        }
        EngineEvents events = new EngineEvents(context.getClient(), resource);
        StatusWriter writer = new StatusWriter(resource, context);
        ResourceID id = ResourceID.fromResource(resource);
        Outcome outcome;
        Duration requeue;
        try {
            try {
                outcome = engine.reconcile(req, resource.getStatus(), st -> writer.write(st, true), events,
                        () -> buildEvents.propagateEvent(id));
            } catch (Exception e) {
                metrics.reconcileError();
                throw e;
            }
            requeue = outcome.requeueAfter();
            if (req.connection() != null && connectionRefused(outcome.status())) {
                secrets.invalidate(ns, resource.getSpec().getConnection().getSecretName());
            }
            if (!writer.write(outcome.status(), false)) {
                // a progress-only change held back by the rate limit: look again when the next write is allowed
                Duration wait = progressWriteInterval.minus(Duration.between(lastStatusWrite.getOrDefault(
                        resource.getMetadata().getUid(), Instant.EPOCH), Instant.now()));
                requeue = requeue == null || wait.compareTo(requeue) < 0 ? wait : requeue;
            }
        } finally {
            events.flush(); // after the status write: kubectl wait and GitOps tools watch the status, not events
        }
        metrics.phase(resource.getMetadata().getUid(), outcome.status().getPhase());
        metrics.usage(ns, name, outcome.status().getUsage());
        LOG.debugf("%s/%s reconciled: phase %s, next look in %s", ns, name, outcome.status().getPhase(), requeue);
        UpdateControl<PostgresIndex> control = UpdateControl.noUpdate();
        if (requeue != null) {
            control.rescheduleAfter(Math.max(100, requeue.toMillis()));
        }
        return control;
    }

    @Override
    public DeleteControl cleanup(PostgresIndex resource, Context<PostgresIndex> context) {
        Request req = request(resource, context.getClient(), secrets);
        ConnectionInfo remembered = lastConnection.get(resource.getMetadata().getUid());
        if (req.connection() == null && req.connectionProblem() == Reason.SecretNotFound && remembered != null) {
            req = new Request(req.uid(), req.namespace(), req.name(), req.generation(), req.spec(),
                    remembered, null, null);
        }
        Instant requested = resource.getMetadata().getDeletionTimestamp() == null ? Instant.now()
                : Instant.parse(resource.getMetadata().getDeletionTimestamp());
        EngineEvents events = new EngineEvents(context.getClient(), resource);
        DeleteOutcome out;
        try {
            out = engine.cleanup(req, resource.getStatus(), requested, events);
        } finally {
            events.flush();
        }
        if (out.done()) {
            lastConnection.remove(resource.getMetadata().getUid());
            lastStatusWrite.remove(resource.getMetadata().getUid());
            HeldEvents.forget(resource.getMetadata().getUid());
            metrics.phase(resource.getMetadata().getUid(), null);
            metrics.usage(resource.getMetadata().getNamespace(), resource.getMetadata().getName(), null);
            LOG.infof("%s/%s: cleanup done, removing finalizer", resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName());
            return DeleteControl.defaultDelete();
        }
        try {
            new StatusWriter(resource, context).write(out.status(), true);
        } catch (KubernetesClientException e) {
            LOG.debugf("status update during deletion failed: %s", e.getMessage());
        }
        return DeleteControl.noFinalizerRemoval()
                .rescheduleAfter(out.requeueAfter() == null ? 5000 : out.requeueAfter().toMillis());
    }

    /**
     * The database refused the connection the Secret describes (a failed login, an unknown database, an
     * unreachable host): the Secret may have changed since it was cached.
     */
    static boolean connectionRefused(PostgresIndexStatus st) {
        return st.getLastError() != null && CONNECTION_FAILURES.contains(st.getLastError().getReason());
    }

    private static final java.util.Set<Reason> CONNECTION_FAILURES = java.util.EnumSet.of(
            Reason.AuthenticationFailed, Reason.DatabaseNotFound, Reason.ConnectionLost, Reason.InsufficientPrivilege);

    /** Builds the engine's request; reads (through the cache) and parses the connection Secret. */
    public static Request request(PostgresIndex r, KubernetesClient client, SecretCache secrets) {
        String ns = r.getMetadata().getNamespace();
        long generation = Resources.generation(r);
        var spec = r.getSpec();
        Connections.Resolved c = Connections.resolve(client, secrets, ns, spec == null ? null : spec.getConnection());
        return new Request(r.getMetadata().getUid(), ns, r.getMetadata().getName(), generation, spec,
                c.info(), c.problem(), c.message());
    }

    /**
     * Writes status only when it differs from what was last written, with optimistic locking. Progress-only
     * changes are written at most once per progressWriteInterval per resource.
     */
    final class StatusWriter {
        private PostgresIndex resource;
        private final Context<PostgresIndex> context;
        private PostgresIndexStatus last;

        StatusWriter(PostgresIndex resource, Context<PostgresIndex> context) {
            this.resource = resource;
            this.context = context;
            this.last = resource.getStatus();
        }

        /** Returns false when a change was held back by the rate limit. */
        boolean write(PostgresIndexStatus status, boolean force) {
            String uid = resource.getMetadata().getUid();
            Instant now = Instant.now();
            switch (StatusWrites.decide(last, status, lastStatusWrite.get(uid), now, progressWriteInterval, force)) {
                case UNCHANGED:
                    return true;
                case HOLD_BACK:
                    return false;
                default:
                    break;
            }
            resource = StatusPatch.write(resource, context, status, StatusCopies::copy);
            last = StatusCopies.copy(status);
            lastStatusWrite.put(uid, now);
            metrics.statusWrite();
            return true;
        }
    }

    /** The engine's events, held until the status write ({@link HeldEvents}, shared with the set controller). */
    static final class EngineEvents implements Events {
        private final HeldEvents<Reason> held;

        EngineEvents(KubernetesClient client, PostgresIndex resource) {
            this.held = new HeldEvents<>(client, resource, true);
        }

        @Override
        public void normal(Reason reason, String message) {
            held.normal(reason, message);
        }

        @Override
        public void warning(Reason reason, String message) {
            held.warning(reason, message);
        }

        void flush() {
            held.flush();
        }
    }
}
