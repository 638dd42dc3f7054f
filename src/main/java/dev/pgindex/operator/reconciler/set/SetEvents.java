package dev.pgindex.operator.reconciler.set;

import dev.pgindex.operator.api.v1alpha1.ConditionType;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSet;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSetStatus;
import dev.pgindex.operator.api.v1alpha1.SetReason;
import dev.pgindex.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Instant;

/** Kubernetes Events for a set's milestones and stops, raised when the set's reason changes. */
final class SetEvents {
    private static final Logger LOG = Logger.getLogger(SetEvents.class);
    private final KubernetesClient client;
    private final PostgresIndexSet set;

    SetEvents(KubernetesClient client, PostgresIndexSet set) {
        this.client = client;
        this.set = set;
    }

    /** Events for what changed between the status written before and the one about to be written. */
    void transitions(PostgresIndexSetStatus before, PostgresIndexSetStatus after, Verdict verdict) {
        SetReason was = reason(before);
        if (verdict.reason() == was) {
            return;
        }
        if (verdict.reason() == SetReason.FailureBudgetExhausted) {
            warning(SetReason.RolloutStopped, verdict.message());
        } else if (was == SetReason.FailureBudgetExhausted) {
            normal(SetReason.RolloutResumed, "stalled targets recovered; the rollout goes on: " + verdict.message());
        }
        if (was == SetReason.CanaryInProgress && verdict.reason() != SetReason.FailureBudgetExhausted) {
            normal(SetReason.CanaryReady, "the canary target(s) are Ready; the other targets start");
        }
        if (verdict.reason() == SetReason.AllTargetsReady) {
            normal(SetReason.RolloutComplete, "index " + after.getIndexName() + ": " + verdict.message());
        }
    }

    private static SetReason reason(PostgresIndexSetStatus s) {
        if (s == null || s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream().filter(c -> ConditionType.READY.equals(c.getType())).findFirst()
                .flatMap(c -> Conditions.reasonOf(c, SetReason.class)).orElse(null);
    }

    void normal(SetReason reason, String message) {
        emit("Normal", reason, message);
    }

    void warning(SetReason reason, String message) {
        emit("Warning", reason, message);
    }

    private void emit(String type, SetReason reason, String message) {
        String ns = set.getMetadata().getNamespace();
        String now = Instant.now().toString();
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(set.getMetadata().getName() + ".").withNamespace(ns)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(set.getApiVersion())
                            .withKind(set.getKind()).withName(set.getMetadata().getName()).withNamespace(ns)
                            .withUid(set.getMetadata().getUid())
                            .withResourceVersion(set.getMetadata().getResourceVersion()).build())
                    .withType(type).withReason(reason.name())
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("pgindex-operator").endSource()
                    .withReportingComponent("pgindex.dev/operator").build()).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record event %s: %s", reason, e.getMessage());
        }
        if ("Warning".equals(type)) {
            LOG.warnf("%s: %s", reason, message);
        } else {
            LOG.infof("%s: %s", reason, message);
        }
    }
}
