package dev.pgindex.operator.reconciler.set;

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
}
