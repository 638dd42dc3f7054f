package dev.pgindex.operator.status;

import com.fasterxml.jackson.databind.ObjectMapper;
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

    public static boolean same(PostgresIndexStatus a, PostgresIndexStatus b) {
        return MAPPER.valueToTree(a == null ? new PostgresIndexStatus() : a)
                .equals(MAPPER.valueToTree(b == null ? new PostgresIndexStatus() : b));
    }
}
