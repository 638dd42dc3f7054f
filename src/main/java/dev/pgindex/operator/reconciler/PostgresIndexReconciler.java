package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.status.StatusCopies;
import dev.pgindex.operator.status.StatusWrites;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
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
        Events.operatorPod(config.podNamespace().orElse(null), config.podName().orElse(null));
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
        IndexEngine.Request req = UsageReplicas.with(request(resource, context.getClient(), secrets), resource,
                context.getClient(), secrets);
        if (req.connection() != null) {
            lastConnection.put(resource.getMetadata().getUid(), req.connection());
        }
        Events events = new Events(context.getClient(), resource);
        StatusWriter writer = new StatusWriter(resource, context);
        ResourceID id = ResourceID.fromResource(resource);
        IndexEngine.Outcome outcome;
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
        IndexEngine.Request req = request(resource, context.getClient(), secrets);
        ConnectionInfo remembered = lastConnection.get(resource.getMetadata().getUid());
        if (req.connection() == null && req.connectionProblem() == Reason.SecretNotFound && remembered != null) {
            req = new IndexEngine.Request(req.uid(), req.namespace(), req.name(), req.generation(), req.spec(),
                    remembered, null, null);
        }
        Instant requested = resource.getMetadata().getDeletionTimestamp() == null ? Instant.now()
                : Instant.parse(resource.getMetadata().getDeletionTimestamp());
        Events events = new Events(context.getClient(), resource);
        IndexEngine.DeleteOutcome out;
        try {
            out = engine.cleanup(req, resource.getStatus(), requested, events);
        } finally {
            events.flush();
        }
        if (out.done()) {
            lastConnection.remove(resource.getMetadata().getUid());
            lastStatusWrite.remove(resource.getMetadata().getUid());
            Events.forget(resource.getMetadata().getUid());
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
    static IndexEngine.Request request(PostgresIndex r, KubernetesClient client, SecretCache secrets) {
        String ns = r.getMetadata().getNamespace();
        long generation = r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
        var spec = r.getSpec();
        ConnectionInfo info = null;
        Reason problem = null;
        String message = null;
        String secretName = spec == null || spec.getConnection() == null ? null : spec.getConnection().getSecretName();
        if (secretName == null) {
            problem = Reason.SecretInvalid;
            message = "spec.connection.secretName is missing";
        } else {
            try {
                Secret secret = secrets.get(client, ns, secretName);
                if (secret == null) {
                    problem = Reason.SecretNotFound;
                    message = "Secret " + ns + "/" + secretName + " not found; the operator checks again with "
                            + "backoff and continues once it exists";
                } else {
                    String ssl = spec.getConnection().getSslMode() == null ? null
                            : spec.getConnection().getSslMode().value();
                    info = ConnectionInfo.fromSecret(decode(secret), ssl);
                }
            } catch (ConnectionInfo.IncompleteSecretException e) {
                problem = Reason.SecretInvalid;
                message = "Secret " + ns + "/" + secretName + ": " + e.getMessage();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 403) {
                    problem = Reason.SecretNotFound;
                    message = "the operator may not read Secret " + ns + "/" + secretName + " (" + e.getMessage()
                            + "); grant it get on secrets in this namespace";
                } else {
                    throw e; // transient API trouble: let the framework retry with backoff
                }
            }
        }
        return new IndexEngine.Request(r.getMetadata().getUid(), ns, r.getMetadata().getName(), generation, spec,
                info, problem, message);
    }

    /** The Secret's keys and values, data decoded and stringData over it. */
    public static Map<String, String> decode(Secret secret) {
        Map<String, String> out = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> out.put(k,
                    v == null ? null : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            out.putAll(secret.getStringData());
        }
        return out;
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
            PostgresIndexStatus copy = StatusCopies.copy(status);
            resource = PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(resource, context, r -> {
                r.setStatus(StatusCopies.copy(copy));
                return r;
            });
            last = copy;
            lastStatusWrite.put(uid, now);
            metrics.statusWrite();
            return true;
        }
    }

    /**
     * Kubernetes Events for one resource, deduplicated by reason and message within this process. They are held
     * during a reconcile and sent by {@link #flush()} after its status write, so that the write a user waits for
     * (kubectl wait, a GitOps health check) never waits for an Event's POST; the order of the events is kept.
     */
    static final class Events implements IndexEngine.Events {
        private static final Map<String, String> LAST = new java.util.concurrent.ConcurrentHashMap<>();
        private static volatile String podNamespace;
        private static volatile String podName;

        /** Where events go that the resource's own namespace refuses (see OperatorConfig#podName). */
        static void operatorPod(String namespace, String name) {
            podNamespace = namespace;
            podName = name;
        }
        private final KubernetesClient client;
        private final PostgresIndex resource;
        private final List<Runnable> held = new java.util.ArrayList<>();

        /** Drops the dedupe entries of a deleted resource, so the map does not grow with every resource ever seen. */
        static void forget(String uid) {
            LAST.keySet().removeIf(k -> k.startsWith(uid + "/"));
        }

        Events(KubernetesClient client, PostgresIndex resource) {
            this.client = client;
            this.resource = resource;
        }

        @Override
        public void normal(Reason reason, String message) {
            emit("Normal", reason, message);
        }

        @Override
        public void warning(Reason reason, String message) {
            emit("Warning", reason, message);
        }

        /** Sends the held events, in the order they were raised. */
        void flush() {
            List<Runnable> sends = List.copyOf(held);
            held.clear();
            sends.forEach(Runnable::run);
        }

        private void emit(String type, Reason reason, String message) {
            String key = resource.getMetadata().getUid() + "/" + type + "/" + reason;
            if (message.equals(LAST.put(key, message))) {
                return;
            }
            String at = Instant.now().toString();
            held.add(() -> send(type, reason, message, at));
        }

        private void send(String type, Reason reason, String message, String at) {
            String ns = resource.getMetadata().getNamespace();
            String name = resource.getMetadata().getName();
            var involved = new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                    .withApiVersion(resource.getApiVersion()).withKind(resource.getKind()).withName(name)
                    .withNamespace(ns).withUid(resource.getMetadata().getUid())
                    .withResourceVersion(resource.getMetadata().getResourceVersion()).build();
            try {
                create(ns, involved, type, reason, message, at);
            } catch (KubernetesClientException e) {
                LOG.warnf("%s/%s: could not record event %s: %s", ns, name, reason, e.getMessage());
                if ((e.getCode() == 403 || e.getCode() == 404) && podNamespace != null && podName != null
                        && !podNamespace.equals(ns)) {
                    // a terminating (or vanished) namespace refuses new events: record it on the operator's pod
                    try {
                        create(podNamespace, new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                                .withApiVersion("v1").withKind("Pod").withName(podName).withNamespace(podNamespace)
                                .build(), type, reason, "PostgresIndex " + ns + "/" + name + ": " + message, at);
                    } catch (KubernetesClientException again) {
                        LOG.warnf("could not record event %s on pod %s/%s either: %s", reason, podNamespace, podName,
                                again.getMessage());
                    }
                }
            }
            // the namespace and name come from the MDC that the framework sets for the reconciling thread
            if ("Warning".equals(type)) {
                LOG.warnf("%s: %s", reason, message);
            } else {
                LOG.infof("%s: %s", reason, message);
            }
        }

        private void create(String ns, io.fabric8.kubernetes.api.model.ObjectReference involved, String type,
                Reason reason, String message, String now) {
            client.v1().events().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                    .withNewMetadata().withGenerateName(involved.getName() + ".").withNamespace(ns).endMetadata()
                    .withInvolvedObject(involved).withType(type).withReason(reason.name())
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("pgindex-operator").endSource()
                    .withReportingComponent("pgindex.dev/operator").build()).create();
        }
    }
}
