package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A foreign key's index on the referencing columns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SupportingIndexInfo {
    @JsonPropertyDescription("The index whose leading columns are the referencing columns, as found in the catalog; "
            + "absent when there is none.")
    private String name;

    @JsonPropertyDescription("The PostgresIndex named by spec.foreignKey.index, when one is.")
    private String resource;

    @JsonPropertyDescription("Whether a valid such index exists. False: every DELETE or key UPDATE on the "
            + "referenced table scans this table (a Warning event says so once).")
    private Boolean found;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getResource() { return resource; }
    public void setResource(String resource) { this.resource = resource; }
    public Boolean getFound() { return found; }
    public void setFound(Boolean found) { this.found = found; }
}
