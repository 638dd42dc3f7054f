package dev.pgindex.operator.metrics;

import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.ViolationsInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** pgindex_constraints by step, and pgindex_constraint_violations per resource, gone with the resource. */
class ConstraintMetersTest {
    @Test
    void stepsAreCountedAndViolationsFollowTheLastCountUntilTheResourceGoes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConstraintMeters meters = new ConstraintMeters(registry);
        PostgresConstraintStatus st = new PostgresConstraintStatus();
        st.setStep(ConstraintStep.Preflight);
        ViolationsInfo v = new ViolationsInfo();
        v.setCount(2L);
        st.setViolations(v);
        meters.observed("uid-1", "shop", "orders-fk", st);
        assertThat(registry.get("pgindex.constraints").tag("step", "Preflight").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("pgindex.constraint.violations").tag("name", "orders-fk").gauge().value())
                .isEqualTo(2.0);

        v.setCount(0L);
        st.setStep(ConstraintStep.Done);
        meters.observed("uid-1", "shop", "orders-fk", st);
        assertThat(registry.get("pgindex.constraints").tag("step", "Preflight").gauge().value()).isZero();
        assertThat(registry.get("pgindex.constraints").tag("step", "Done").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("pgindex.constraint.violations").tag("name", "orders-fk").gauge().value()).isZero();

        meters.forget("uid-1");
        assertThat(registry.find("pgindex.constraint.violations").gauges()).isEmpty();
        assertThat(registry.get("pgindex.constraints").tag("step", "Done").gauge().value()).isZero();
    }
}
