package dev.pgindex.operator.controller.constraint;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.config.OperatorConfig;
import dev.pgindex.operator.controller.Connections;
import dev.pgindex.operator.controller.SecretCache;
import dev.pgindex.operator.decide.constraint.ConstraintDecision;
import dev.pgindex.operator.decide.constraint.ConstraintInput;
import dev.pgindex.operator.engine.ConstraintEngine;
import dev.pgindex.operator.kube.HeldEvents;
import dev.pgindex.operator.metrics.ConstraintMeters;
import dev.pgindex.operator.kube.Resources;
import dev.pgindex.operator.kube.StatusPatch;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.spec.ParsedConstraint;
import dev.pgindex.operator.spec.Windows;
import dev.pgindex.operator.status.Conditions;
import dev.pgindex.operator.status.StatusCopies;
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

import java.time.Instant;
import java.util.List;

/**
 * The Kubernetes side of a PostgresConstraint, on the same kit as the PostgresIndex's: the Secret through the
 * cache, the engine's decision, status written only when it changed (optimistic locking), events held until that
 * write, the finalizer. The database work is the {@link ConstraintEngine}'s.
 */
@ControllerConfiguration(name = "postgresconstraint")
public class PostgresConstraintReconciler implements Reconciler<PostgresConstraint>, Cleaner<PostgresConstraint> {
    private static final Logger LOG = Logger.getLogger(PostgresConstraintReconciler.class);

    private final ConstraintEngine engine;
    private final ConstraintMeters meters;
    private final SecretCache secrets;
    private final Windows defaultWindows;
    private final SimpleInboundEventSource<PostgresConstraint> jobEvents =
            new SimpleInboundEventSource<>("constraint-job-events");

    @Inject
    public PostgresConstraintReconciler(ConstraintEngine engine, ConstraintMeters meters, OperatorConfig config) {
        this.engine = engine;
        this.meters = meters;
        this.secrets = new SecretCache(config.secretCacheTtl(), Instant::now);
        this.defaultWindows = Windows.parseDefault(config.maintenanceWindows().orElse(null));
    }

    @Override
    public List<EventSource<?, PostgresConstraint>> prepareEventSources(
            EventSourceContext<PostgresConstraint> context) {
        return List.of(jobEvents);
    }

    @Override
    public UpdateControl<PostgresConstraint> reconcile(PostgresConstraint resource,
            Context<PostgresConstraint> context) throws Exception {
        HeldEvents<Reason> events = new HeldEvents<>(context.getClient(), resource, true);
        Writer writer = new Writer(resource, context);
        ResourceID id = ResourceID.fromResource(resource);
        ConstraintEngine.Result r;
        try {
            r = engine.reconcile(input(resource, context.getClient()), st -> writer.write(st),
                    e -> raise(events, e), () -> jobEvents.propagateEvent(id));
            writer.write(r.status());
        } finally {
            events.flush(); // after the status write, which kubectl wait and GitOps tools watch
        }
        meters.observed(resource.getMetadata().getUid(), resource.getMetadata().getNamespace(),
                resource.getMetadata().getName(), r.status());
        LOG.debugf("reconciled: step %s, next look in %s", r.status().getStep(), r.requeueAfter());
        UpdateControl<PostgresConstraint> control = UpdateControl.noUpdate();
        if (r.requeueAfter() != null) {
            control.rescheduleAfter(Math.max(100, r.requeueAfter().toMillis()));
        }
        return control;
    }

    @Override
    public DeleteControl cleanup(PostgresConstraint resource, Context<PostgresConstraint> context) throws Exception {
        Instant requested = resource.getMetadata().getDeletionTimestamp() == null ? Instant.now()
                : Instant.parse(resource.getMetadata().getDeletionTimestamp());
        HeldEvents<Reason> events = new HeldEvents<>(context.getClient(), resource, true);
        ConstraintEngine.Result r;
        try {
            r = engine.cleanup(input(resource, context.getClient()), requested, e -> raise(events, e));
        } finally {
            events.flush();
        }
        if (r.released()) {
            HeldEvents.forget(resource.getMetadata().getUid());
            meters.forget(resource.getMetadata().getUid());
            return DeleteControl.defaultDelete();
        }
        try {
            new Writer(resource, context).write(r.status());
        } catch (KubernetesClientException e) {
            LOG.debugf("status update during deletion failed: %s", e.getMessage());
        }
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(r.requeueAfter() == null ? 5000
                : r.requeueAfter().toMillis());
    }

    private ConstraintInput input(PostgresConstraint r, KubernetesClient client) {
        String ns = r.getMetadata().getNamespace();
        PostgresConstraintSpec spec = r.getSpec();
        ParsedConstraint parsed = null;
        String invalid = null;
        try {
            parsed = ParsedConstraint.of(spec, defaultWindows);
        } catch (InvalidDefinitionException e) {
            invalid = e.getMessage();
        }
        Connections.Resolved c = Connections.resolve(client, secrets, ns, spec == null ? null : spec.getConnection());
        return new ConstraintInput(r.getMetadata().getUid(), ns + "/" + r.getMetadata().getName(),
                Resources.generation(r), spec, parsed, invalid, c.problem(), c.message(), r.getStatus(), Instant.now(),
                engine.settings(), namedIndexReady(client, ns, spec), c.info());
    }

    /** Whether the PostgresIndex named in spec.foreignKey.index is Ready for its current generation (null: none). */
    static Boolean namedIndexReady(KubernetesClient client, String ns, PostgresConstraintSpec spec) {
        String name = spec == null || spec.getForeignKey() == null ? null : spec.getForeignKey().getIndex();
        if (name == null) {
            return null;
        }
        PostgresIndex index = client.resources(PostgresIndex.class).inNamespace(ns).withName(name).get();
        return index != null && index.getStatus() != null
                && Conditions.isTrue(index.getStatus(), ConditionType.READY)
                && Conditions.observedGeneration(index.getStatus()) == Resources.generation(index);
    }

    private static void raise(HeldEvents<Reason> events, ConstraintDecision.Event e) {
        if (e.warning()) {
            events.warning(e.reason(), e.message());
        } else {
            events.normal(e.reason(), e.message());
        }
    }

    /** Writes status only when it differs from what was last written, with optimistic locking. */
    private static final class Writer {
        private PostgresConstraint resource;
        private final Context<PostgresConstraint> context;
        private PostgresConstraintStatus last;

        Writer(PostgresConstraint resource, Context<PostgresConstraint> context) {
            this.resource = resource;
            this.context = context;
            this.last = resource.getStatus();
        }

        void write(PostgresConstraintStatus status) {
            if (StatusCopies.same(last, status)) {
                return;
            }
            resource = StatusPatch.write(resource, context, status, StatusCopies::copy);
            last = StatusCopies.copy(status);
        }
    }
}
