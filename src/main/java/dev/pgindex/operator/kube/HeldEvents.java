package dev.pgindex.operator.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes Events about one resource, for every kind the operator reconciles. They are held during a reconcile
 * and sent by {@link #flush()} after its status write, in the order they were raised, so that the write a user
 * waits for (kubectl wait, a GitOps health check) never waits for an Event's POST. With {@code dedupe}, an event
 * that repeats the last message of its type and reason for the resource is not sent again (within this process):
 * a PostgresIndex re-raises the same condition on every look, a set raises its milestones only on a change. A
 * namespace that refuses new events (terminating, or gone) gets them on the operator's own pod instead.
 *
 * @param <R> the kind's reasons (Reason, SetReason)
 */
public final class HeldEvents<R extends Enum<R>> {
    private static final Logger LOG = Logger.getLogger(HeldEvents.class);
    private static final Map<String, String> LAST = new ConcurrentHashMap<>();
    private static volatile String podNamespace;
    private static volatile String podName;

    private final KubernetesClient client;
    private final HasMetadata resource;
    private final boolean dedupe;
    private final List<Runnable> held = new ArrayList<>();

    public HeldEvents(KubernetesClient client, HasMetadata resource, boolean dedupe) {
        this.client = client;
        this.resource = resource;
        this.dedupe = dedupe;
    }

    /** Where events go that the resource's own namespace refuses (see OperatorConfig#podName). */
    public static void operatorPod(String namespace, String name) {
        podNamespace = namespace;
        podName = name;
    }

    /** Drops the dedupe entries of a deleted resource, so the map does not grow with every resource ever seen. */
    public static void forget(String uid) {
        LAST.keySet().removeIf(k -> k.startsWith(uid + "/"));
    }

    public void normal(R reason, String message) {
        hold("Normal", reason, message);
    }

    public void warning(R reason, String message) {
        hold("Warning", reason, message);
    }

    /** Sends the held events, in the order they were raised. */
    public void flush() {
        List<Runnable> sends = List.copyOf(held);
        held.clear();
        sends.forEach(Runnable::run);
    }

    private void hold(String type, R reason, String message) {
        String key = resource.getMetadata().getUid() + "/" + type + "/" + reason;
        if (dedupe && message.equals(LAST.put(key, message))) {
            return;
        }
        String at = Instant.now().toString();
        held.add(() -> send(type, reason, message, at));
    }

    private void send(String type, R reason, String message, String at) {
        String ns = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        ObjectReference involved = new ObjectReferenceBuilder().withApiVersion(resource.getApiVersion())
                .withKind(resource.getKind()).withName(name).withNamespace(ns).withUid(resource.getMetadata().getUid())
                .withResourceVersion(resource.getMetadata().getResourceVersion()).build();
        try {
            create(ns, involved, type, reason, message, at);
        } catch (KubernetesClientException e) {
            LOG.warnf("%s/%s: could not record event %s: %s", ns, name, reason, e.getMessage());
            if ((e.getCode() == 403 || e.getCode() == 404) && podNamespace != null && podName != null
                    && !podNamespace.equals(ns)) {
                try {
                    create(podNamespace, new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                            .withName(podName).withNamespace(podNamespace).build(), type, reason,
                            resource.getKind() + " " + ns + "/" + name + ": " + message, at);
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

    private void create(String ns, ObjectReference involved, String type, R reason, String message, String at) {
        client.v1().events().inNamespace(ns).resource(new EventBuilder()
                .withNewMetadata().withGenerateName(involved.getName() + ".").withNamespace(ns).endMetadata()
                .withInvolvedObject(involved).withType(type).withReason(reason.name())
                .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withFirstTimestamp(at).withLastTimestamp(at).withCount(1)
                .withNewSource().withComponent("pgindex-operator").endSource()
                .withReportingComponent("pgindex.dev/operator").build()).create();
    }
}
