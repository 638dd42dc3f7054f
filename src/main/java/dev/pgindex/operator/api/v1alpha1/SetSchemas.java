package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

import java.util.List;

/** The schemas of each database that get the index. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SetSchemas {
    @Size(max = 1000)
    @JsonPropertyDescription("Schema names, taken as they are in every database (a schema that does not exist, or "
            + "lacks the table, shows as a target with TableNotFound). " + Identifiers.RULE + " System schemas "
            + "(information_schema, pg_*) are rejected.")
    private List<String> names;

    @Size(min = 1, max = 256)
    @JsonPropertyDescription("A PostgreSQL regular expression (the ~ operator) matched against the schemas that "
            + "exist in each database, for example ^tenant_ for django-tenants style schemas. System schemas "
            + "(pg_*, information_schema) never match. Read again on every resync, so a schema created later gets "
            + "the index; a matched schema without the table is reported per target (TableNotFound), not as a "
            + "failure of the set.")
    private String pattern;

    public List<String> getNames() { return names; }
    public void setNames(List<String> names) { this.names = names; }
    public String getPattern() { return pattern; }
    public void setPattern(String pattern) { this.pattern = pattern; }
}
