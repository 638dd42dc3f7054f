package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One collation the index depends on: the version it was built with and the one the server reports now. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CollationVersion {
    @JsonPropertyDescription("The collation's name; \"default\" is the database's default collation.")
    private String collation;

    @JsonPropertyDescription("The version the index depends on: the library's version when the operator built or "
            + "rebuilt it, or, for an index it adopted, the version the catalog recorded then (pg_collation."
            + "collversion, pg_database.datcollversion).")
    private String version;

    @JsonPropertyDescription("The version the server reported at the last check (pg_collation_actual_version, "
            + "pg_database_collation_actual_version).")
    private String actual;

    public CollationVersion() {
    }

    public CollationVersion(String collation, String version, String actual) {
        this.collation = collation;
        this.version = version;
        this.actual = actual;
    }

    public String getCollation() { return collation; }
    public void setCollation(String collation) { this.collation = collation; }
    public String getVersion() { return version; }
    public void setVersion(String version) { this.version = version; }
    public String getActual() { return actual; }
    public void setActual(String actual) { this.actual = actual; }
}
