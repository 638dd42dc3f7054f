package dev.pgindex.operator.decide.constraint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintStatus;

/** Deep copies of a PostgresConstraint status (the draft starts from one; the writer keeps one). */
public final class ConstraintStatuses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConstraintStatuses() {
    }

    public static PostgresConstraintStatus copy(PostgresConstraintStatus s) {
        return s == null ? new PostgresConstraintStatus() : JSON.convertValue(s, PostgresConstraintStatus.class);
    }
}
