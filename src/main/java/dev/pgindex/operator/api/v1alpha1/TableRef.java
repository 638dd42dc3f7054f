package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The referenced side of a foreign key: a table and its key columns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableRef {
    @Default("public")
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("Schema of the referenced table. Default public. " + Identifiers.RULE)
    private String schema = "public";

    @Required
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("The referenced table. Maps to REFERENCES table. " + Identifiers.RULE)
    private String table;

    @Required
    @Size(min = 1, max = 32)
    @ValidationRule(value = Identifiers.COLUMN_LIST_RULE, message = Identifiers.COLUMN_LIST_MESSAGE)
    @JsonPropertyDescription("The referenced columns, in the order of spec.foreignKey.columns; they must carry a "
            + "primary key or unique constraint (PostgreSQL's rule). Maps to REFERENCES table ( column, ... ). "
            + Identifiers.RULE)
    private List<String> columns = new ArrayList<>();

    public String getSchema() { return schema; }
    public void setSchema(String schema) { this.schema = schema; }
    public String getTable() { return table; }
    public void setTable(String table) { this.table = table; }
    public List<String> getColumns() { return columns; }
    public void setColumns(List<String> columns) { this.columns = columns; }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableRef t && Objects.equals(schema, t.schema) && Objects.equals(table, t.table)
                && Objects.equals(columns, t.columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, table, columns);
    }
}
