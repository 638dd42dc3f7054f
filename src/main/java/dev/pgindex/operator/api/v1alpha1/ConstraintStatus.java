package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The constraint as pg_constraint shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConstraintStatus {
    @JsonPropertyDescription("Constraint name.")
    private String name;
    @JsonPropertyDescription("Unique or PrimaryKey.")
    private String type;
    @JsonPropertyDescription("The definition PostgreSQL reports (pg_get_constraintdef).")
    private String definition;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getDefinition() { return definition; }
    public void setDefinition(String definition) { this.definition = definition; }
}
