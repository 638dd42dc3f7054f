package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.HealthStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;
import dev.pgindex.operator.api.v1alpha1.VerificationStatus;

/**
 * status.health.verification: its results and the record itself; the amcheck job's intent and outcome are
 * {@link dev.pgindex.operator.decide.VerifyJob}'s.
 */
public final class Verifications {
    public static final String RUNNING = "Running";
    public static final String PASSED = "Passed";
    public static final String FAILED = "Failed";
    public static final String ERROR = "Error";
    public static final String SKIPPED = "Skipped";

    private Verifications() {
    }

    /** The verification record, created when absent. */
    public static VerificationStatus of(PostgresIndexStatus st) {
        if (st.getHealth() == null) {
            st.setHealth(new HealthStatus());
        }
        if (st.getHealth().getVerification() == null) {
            st.getHealth().setVerification(new VerificationStatus());
        }
        return st.getHealth().getVerification();
    }
}
