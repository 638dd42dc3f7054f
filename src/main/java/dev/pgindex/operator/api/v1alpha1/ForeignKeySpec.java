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

/** FOREIGN KEY ( columns ) REFERENCES table ( columns ) [MATCH] [ON DELETE] [ON UPDATE] [DEFERRABLE]. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "size(self.columns) == size(self.references.columns)",
        message = "foreignKey.columns and foreignKey.references.columns must have the same length")
@ValidationRule(value = "!self.initiallyDeferred || self.deferrable",
        message = "initiallyDeferred needs deferrable: true")
public class ForeignKeySpec {
    @Required
    @Size(min = 1, max = 32)
    @ValidationRule(value = Identifiers.COLUMN_LIST_RULE, message = Identifiers.COLUMN_LIST_MESSAGE)
    @JsonPropertyDescription("The referencing columns of spec.table, in order. Maps to FOREIGN KEY ( column, ... ). "
            + Identifiers.RULE)
    private List<String> columns = new ArrayList<>();

    @Required
    @JsonPropertyDescription("The referenced table and columns. Maps to REFERENCES table ( column, ... ).")
    private TableRef references;

    @Default("NoAction")
    @JsonPropertyDescription("Maps to ON DELETE: NoAction (default), Restrict, Cascade, SetNull or SetDefault.")
    private ReferentialAction onDelete = ReferentialAction.NO_ACTION;

    @Default("NoAction")
    @JsonPropertyDescription("Maps to ON UPDATE: NoAction (default), Restrict, Cascade, SetNull or SetDefault.")
    private ReferentialAction onUpdate = ReferentialAction.NO_ACTION;

    @Default("Simple")
    @JsonPropertyDescription("Maps to MATCH: Simple (default: a row with any NULL key column is not checked) or "
            + "Full (the key columns are all NULL or none is).")
    private ForeignKeyMatch match = ForeignKeyMatch.SIMPLE;

    @Default("false")
    @JsonPropertyDescription("Maps to DEFERRABLE. Default false (NOT DEFERRABLE).")
    private Boolean deferrable = false;

    @Default("false")
    @JsonPropertyDescription("Maps to INITIALLY DEFERRED (needs deferrable). Default false (INITIALLY IMMEDIATE).")
    private Boolean initiallyDeferred = false;

    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("The PostgresIndex (metadata.name, same namespace) that builds the index on the "
            + "referencing columns. Without it the operator looks for such an index in the catalog. Either way, "
            + "status.supportingIndex says what it found: without an index whose leading columns are the "
            + "referencing columns, every DELETE or key UPDATE on the referenced table scans this table, so the "
            + "constraint then carries a Warning. When named, the constraint waits until that PostgresIndex is Ready.")
    private String index;

    public List<String> getColumns() { return columns; }
    public void setColumns(List<String> columns) { this.columns = columns; }
    public TableRef getReferences() { return references; }
    public void setReferences(TableRef references) { this.references = references; }
    public ReferentialAction getOnDelete() { return onDelete; }
    public void setOnDelete(ReferentialAction onDelete) { this.onDelete = onDelete; }
    public ReferentialAction getOnUpdate() { return onUpdate; }
    public void setOnUpdate(ReferentialAction onUpdate) { this.onUpdate = onUpdate; }
    public ForeignKeyMatch getMatch() { return match; }
    public void setMatch(ForeignKeyMatch match) { this.match = match; }
    public Boolean getDeferrable() { return deferrable; }
    public void setDeferrable(Boolean deferrable) { this.deferrable = deferrable; }
    public Boolean getInitiallyDeferred() { return initiallyDeferred; }
    public void setInitiallyDeferred(Boolean initiallyDeferred) { this.initiallyDeferred = initiallyDeferred; }
    public String getIndex() { return index; }
    public void setIndex(String index) { this.index = index; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForeignKeySpec f && Objects.equals(columns, f.columns)
                && Objects.equals(references, f.references) && onDelete == f.onDelete && onUpdate == f.onUpdate
                && match == f.match && Objects.equals(deferrable, f.deferrable)
                && Objects.equals(initiallyDeferred, f.initiallyDeferred) && Objects.equals(index, f.index);
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns, references, onDelete, onUpdate, match, deferrable, initiallyDeferred, index);
    }
}
