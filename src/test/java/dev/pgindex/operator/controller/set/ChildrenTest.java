package dev.pgindex.operator.controller.set;

import dev.pgindex.operator.api.v1alpha1.ErrorInfo;
import dev.pgindex.operator.api.v1alpha1.Phase;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.Reason;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Child names and labels: deterministic, valid for Kubernetes, new for a new index name. */
class ChildrenTest {
    static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
    static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

    @Test
    void shouldNameAChildAfterSetDatabaseAndSchemaWithAHash() {
        String name = Children.name("orders-email", "customer-17-app", "tenant_a", "orders_email_idx");
        assertThat(name).matches("orders-email-customer-17-app-tenant-a-[0-9a-f]{10}").matches(DNS_SUBDOMAIN);
        assertThat(Children.name("orders-email", "customer-17-app", "tenant_a", "orders_email_idx")).isEqualTo(name);
        // schemas that differ only in characters a name cannot hold still get different children
        assertThat(Children.name("orders-email", "customer-17-app", "Tenant_A", "orders_email_idx")).isNotEqualTo(name);
        // a new index name rolls out as new children next to the old ones
        assertThat(Children.name("orders-email", "customer-17-app", "tenant_a", "orders_email_idx2")).isNotEqualTo(name);
    }

    @Test
    void shouldStayWithinTheNameLimitForLongInputs() {
        String name = Children.name("s".repeat(200), "d".repeat(253), "$weird__Schema$", "i".repeat(63));
        assertThat(name.length()).isLessThanOrEqualTo(Children.MAX_NAME);
        assertThat(name).matches(DNS_SUBDOMAIN);
    }

    @Test
    void shouldKeepLabelValuesValid() {
        assertThat(Children.labelValue("tenant_a")).isEqualTo("tenant_a");
        assertThat(Children.labelValue("_tenant$1")).matches(LABEL_VALUE).startsWith("tenant_1-");
        assertThat(Children.labelValue("x".repeat(100))).matches(LABEL_VALUE).hasSizeLessThanOrEqualTo(63);
        assertThat(Children.labelValue("$$")).matches(LABEL_VALUE);
    }

    @Test
    void shouldReadAChildsStateFromItsStatus() {
        assertThat(Children.state(null)).isEqualTo(Rollout.State.ABSENT);
        assertThat(Children.state(child(null, null, null, null))).isEqualTo(Rollout.State.WAITING);
        assertThat(Children.state(child("Ready", "IndexReady", null, null))).isEqualTo(Rollout.State.READY);
        assertThat(Children.state(child("Reconciling", "Building", Phase.Building, null)))
                .isEqualTo(Rollout.State.BUILDING);
        assertThat(Children.state(child("Stalled", "UniqueViolation", Phase.Stalled, null)))
                .isEqualTo(Rollout.State.STALLED);
        assertThat(Children.state(child("Stalled", "TableNotFound", Phase.Stalled, null)))
                .isEqualTo(Rollout.State.TABLE_MISSING);
        // re-checking a permanent failure is a new build attempt, but still a failure for the rollout
        PostgresIndex rechecking = child("Reconciling", "Building", Phase.Building, error("UniqueViolation", false));
        assertThat(Children.state(rechecking)).isEqualTo(Rollout.State.STALLED);
        assertThat(Children.reason(rechecking)).contains(Reason.UniqueViolation);
        // a retry after a transient failure is just building
        assertThat(Children.state(child("Reconciling", "Building", Phase.Building, error("Deadlock", true))))
                .isEqualTo(Rollout.State.BUILDING);
        // Ready for an older generation is not Ready yet
        PostgresIndex edited = child("Ready", "IndexReady", null, null);
        edited.getMetadata().setGeneration(2L);
        assertThat(Children.state(edited)).isEqualTo(Rollout.State.WAITING);
    }

    static PostgresIndex child(String trueCondition, String reason, Phase phase, ErrorInfo lastError) {
        PostgresIndex c = new PostgresIndex();
        c.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("c").withGeneration(1L).build());
        PostgresIndexStatus s = new PostgresIndexStatus();
        if (trueCondition != null) {
            s.setObservedGeneration(1L);
            for (String type : java.util.List.of("Ready", "Reconciling", "Stalled")) {
                Condition cond = new Condition();
                cond.setType(type);
                cond.setStatus(type.equals(trueCondition) ? "True" : "False");
                cond.setReason(reason);
                s.getConditions().add(cond);
            }
        } else {
            s.setConditions(null);
        }
        s.setPhase(phase);
        s.setLastError(lastError);
        c.setStatus(s);
        return c;
    }

    static ErrorInfo error(String reason, boolean transientError) {
        ErrorInfo e = new ErrorInfo();
        e.setReason(Reason.valueOf(reason));
        e.setTransientError(transientError);
        return e;
    }
}
