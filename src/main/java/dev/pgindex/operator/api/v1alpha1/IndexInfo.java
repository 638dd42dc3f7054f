package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The PostgreSQL index this resource owns, as the catalog reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IndexInfo {
    @JsonPropertyDescription("Schema-qualified index name.")
    private String name;
    @JsonPropertyDescription("pg_class OID of the index.")
    private Long oid;
    @JsonPropertyDescription("The definition PostgreSQL reports (pg_get_indexdef).")
    private String definition;
    @JsonPropertyDescription("True when the index existed before and was adopted rather than built; an adopted "
            + "index is never dropped by the operator, whatever the reclaimPolicy.")
    private Boolean adopted;
    @JsonPropertyDescription("Size of the index in bytes when last observed.")
    private Long sizeBytes;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Long getOid() { return oid; }
    public void setOid(Long oid) { this.oid = oid; }
    public String getDefinition() { return definition; }
    public void setDefinition(String definition) { this.definition = definition; }
    public Boolean getAdopted() { return adopted; }
    public void setAdopted(Boolean adopted) { this.adopted = adopted; }
    public Long getSizeBytes() { return sizeBytes; }
    public void setSizeBytes(Long sizeBytes) { this.sizeBytes = sizeBytes; }
}
