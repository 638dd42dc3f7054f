package dev.pgindex.operator.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexStatus;

/** Deep copies and equality of status objects, so an unchanged status is never written. */
public final class StatusCopies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusCopies() {
    }

    public static PostgresIndexStatus copy(PostgresIndexStatus s) {
        if (s == null) {
            return new PostgresIndexStatus();
        }
        return MAPPER.convertValue(MAPPER.valueToTree(s), PostgresIndexStatus.class);
    }

    /** A PostgresConstraint's status, deeply copied (a draft starts from one; the writer keeps one). */
    public static PostgresConstraintStatus copy(PostgresConstraintStatus s) {
        return s == null ? new PostgresConstraintStatus() : MAPPER.convertValue(MAPPER.valueToTree(s),
                PostgresConstraintStatus.class);
    }

    /** Whether two PostgresConstraint statuses are the same (nothing to write). */
    public static boolean same(PostgresConstraintStatus a, PostgresConstraintStatus b) {
        return java.util.Objects.equals(a == null ? null : MAPPER.valueToTree(a), b == null ? null
                : MAPPER.valueToTree(b));
    }

    /**
     * Whether two statuses differ only in what moves during a build (progress, blockers, condition messages with
     * elapsed times): such a change may wait for the next rate-limited write; anything else is written at once.
     */
    public static boolean onlyProgressDiffers(PostgresIndexStatus a, PostgresIndexStatus b) {
        return same(withoutProgress(a), withoutProgress(b));
    }

    private static PostgresIndexStatus withoutProgress(PostgresIndexStatus s) {
        PostgresIndexStatus c = copy(s);
        c.setProgress(null);
        c.setBlockers(null);
        c.setBlockedBy(null);
        c.setBlockedSince(null);
        if (c.getBuild() != null) {
            c.getBuild().setIndexOid(null);
        }
        if (c.getGuards() != null) {
            c.getGuards().setEta(null);
            if (MAPPER.valueToTree(c.getGuards()).isEmpty()) {
                c.setGuards(null); // an ETA alone appearing or going is progress, not a change of its own
            }
        }
        if (c.getConditions() != null) {
            c.getConditions().forEach(cond -> cond.setMessage(null));
        }
        return c;
    }

    public static boolean same(PostgresIndexStatus a, PostgresIndexStatus b) {
        return MAPPER.valueToTree(a == null ? new PostgresIndexStatus() : a)
                .equals(MAPPER.valueToTree(b == null ? new PostgresIndexStatus() : b));
    }
}
