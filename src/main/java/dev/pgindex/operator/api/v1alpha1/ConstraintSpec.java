package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.Objects;

/** Turn the finished unique index into a table constraint, without a second build and without blocking writes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConstraintSpec {
    @Required
    @JsonPropertyDescription("Unique (ADD CONSTRAINT ... UNIQUE USING INDEX) or PrimaryKey (ADD CONSTRAINT ... "
            + "PRIMARY KEY USING INDEX; every key column must already be NOT NULL, since setting it would scan "
            + "the table under an ACCESS EXCLUSIVE lock).")
    private ConstraintType type;

    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("The constraint name. Must equal spec.name (PostgreSQL renames the index to the "
            + "constraint's name); omitted means spec.name.")
    private String name;

    public ConstraintType getType() { return type; }
    public void setType(ConstraintType type) { this.type = type; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConstraintSpec c && type == c.type && Objects.equals(name, c.name);
    }

    @Override
    public int hashCode() { return Objects.hash(type, name); }
}
