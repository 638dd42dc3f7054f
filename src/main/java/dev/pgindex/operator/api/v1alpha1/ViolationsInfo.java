package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/** What the preflight found: the rows that would make ADD or VALIDATE fail. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ViolationsInfo {
    @JsonPropertyDescription("Rows that violate the constraint: for a foreign key, rows whose key has no match in "
            + "the referenced table (per MATCH); for a CHECK, rows where the expression is false; for a NOT NULL, "
            + "rows where the column is NULL.")
    private Long count;

    @JsonPropertyDescription("Up to 5 of them, each as its key (the foreign key's columns, or the table's primary "
            + "key, or its ctid when it has none), for example (42) or (7,\"eu\").")
    private List<String> sample;

    @JsonPropertyDescription("When they were counted (RFC 3339).")
    private String checkedAt;

    public Long getCount() { return count; }
    public void setCount(Long count) { this.count = count; }
    public List<String> getSample() { return sample; }
    public void setSample(List<String> sample) { this.sample = sample; }
    public String getCheckedAt() { return checkedAt; }
    public void setCheckedAt(String checkedAt) { this.checkedAt = checkedAt; }
}
