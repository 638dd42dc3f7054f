package dev.pgindex.operator.metrics;

import dev.pgindex.operator.api.v1alpha1.BloatStatus;
import dev.pgindex.operator.api.v1alpha1.CollationVersion;
import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.VerificationStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-resource gauges of the checks after Ready: labelled namespace and name, removed with the resource. */
class HealthGaugesTest {
    static double gauge(SimpleMeterRegistry r, String name, String resource) {
        return r.get(name).tag("namespace", "team-a").tag("name", resource).gauge().value();
    }

    @Test
    void gaugesFollowTheStatusAndGoWithTheResource() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HealthGauges gauges = new HealthGauges(registry);
        HealthStatus h = new HealthStatus();
        h.setCollations(List.of(new CollationVersion("en-x-icu", "0.0", "153.120"),
                new CollationVersion("default", "153.120", "153.120")));
        h.setCollationDrift("en-x-icu 0.0 -> 153.120");
        VerificationStatus v = new VerificationStatus();
        v.setResult("Failed");
        h.setVerification(v);
        BloatStatus b = new BloatStatus();
        b.setPercent(38.6);
        h.setBloat(b);
        gauges.update("uid-1", "team-a", "users-email", h);

        assertThat(gauge(registry, "pgindex.collation.drift", "users-email")).isEqualTo(1.0);
        assertThat(gauge(registry, "pgindex.verification.failures", "users-email")).isEqualTo(1.0);
        assertThat(gauge(registry, "pgindex.index.bloat.ratio", "users-email")).isEqualTo(0.386);

        h.setCollationDrift(null);
        v.setResult("Passed");
        gauges.update("uid-1", "team-a", "users-email", h);
        assertThat(gauge(registry, "pgindex.collation.drift", "users-email")).isZero();
        assertThat(gauge(registry, "pgindex.verification.failures", "users-email")).isZero();

        gauges.update("uid-1", "team-a", "users-email", null);
        assertThat(registry.find("pgindex.collation.drift").gauges()).isEmpty();
        assertThat(registry.find("pgindex.verification.failures").gauges()).isEmpty();
        assertThat(registry.find("pgindex.index.bloat.ratio").gauges()).isEmpty();
    }
}
