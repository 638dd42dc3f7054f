package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.Objects;

/** A column's NOT NULL, set without a scan under a lock that stops writes. */
public class NotNullSpec {
    @Required
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("The column that must not be NULL. On PostgreSQL 18 and later: ADD CONSTRAINT name NOT "
            + "NULL column NOT VALID, then VALIDATE CONSTRAINT. Before 18: a helper CHECK (column IS NOT NULL) NOT "
            + "VALID named spec.name, VALIDATE, ALTER COLUMN ... SET NOT NULL (which uses the validated CHECK and "
            + "skips the scan), then the helper is dropped. " + Identifiers.RULE)
    private String column;

    public String getColumn() { return column; }
    public void setColumn(String column) { this.column = column; }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotNullSpec n && Objects.equals(column, n.column);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(column);
    }
}
