package dev.pgindex.operator.decide.draft;

/**
 * The results of status.health.verification; the record is {@link VerificationDraft}'s, the amcheck job's intent
 * and outcome {@code decide.VerifyJob}'s.
 */
public final class Verifications {
    public static final String RUNNING = "Running";
    public static final String PASSED = "Passed";
    public static final String FAILED = "Failed";
    public static final String ERROR = "Error";
    public static final String SKIPPED = "Skipped";

    private Verifications() {
    }
}
