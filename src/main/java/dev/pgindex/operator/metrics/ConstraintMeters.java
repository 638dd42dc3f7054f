package dev.pgindex.operator.metrics;

import dev.pgindex.operator.api.v1alpha1.ConstraintStep;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgresConstraint metrics: pgindex_constraints counts the resources by step of the online protocol (as last
 * reconciled by this process; bounded labels), and pgindex_constraint_violations is the latest count of violating
 * rows per resource (labels namespace and name; removed when the resource is deleted), so an alert can say which
 * table holds bad data.
 */
@jakarta.inject.Singleton
public class ConstraintMeters {
    private final MeterRegistry registry;
    private final Map<String, ConstraintStep> steps = new ConcurrentHashMap<>();
    private final Map<String, Gauge> violationGauges = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> violations = new ConcurrentHashMap<>();

    @jakarta.inject.Inject
    public ConstraintMeters(MeterRegistry registry) {
        this.registry = registry;
        for (ConstraintStep s : ConstraintStep.values()) {
            Gauge.builder("pgindex.constraints", steps, m -> m.values().stream().filter(v -> v == s).count())
                    .tag("step", s.name()).description("PostgresConstraint resources by step, as last reconciled")
                    .register(registry);
        }
    }

    /** After a reconcile: the step and the violations of one resource. */
    public void observed(String uid, String namespace, String name, PostgresConstraintStatus st) {
        if (st.getStep() != null) {
            steps.put(uid, st.getStep());
        }
        if (st.getViolations() == null || st.getViolations().getCount() == null) {
            return;
        }
        violations.computeIfAbsent(uid, u -> {
            AtomicLong v = new AtomicLong();
            violationGauges.put(u, Gauge.builder("pgindex.constraint.violations", v, AtomicLong::get)
                    .tag("namespace", namespace).tag("name", name)
                    .description("Rows that violate the constraint, as last counted").register(registry));
            return v;
        }).set(st.getViolations().getCount());
    }

    /** The resource is gone: its series go too. */
    public void forget(String uid) {
        steps.remove(uid);
        violations.remove(uid);
        Gauge g = violationGauges.remove(uid);
        if (g != null) {
            registry.remove(g);
        }
    }
}
