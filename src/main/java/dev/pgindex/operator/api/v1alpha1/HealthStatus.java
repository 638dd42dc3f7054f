package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/** What the checks after Ready found (spec.health; docs/after-ready-health.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthStatus {
    @JsonPropertyDescription("The versioned collations the index's key columns depend on (C, POSIX, ucs_basic and "
            + "non-text columns depend on none), recorded for the index with OID collationsIndexOid.")
    private List<CollationVersion> collations;

    @JsonPropertyDescription("The index OID the collation versions were recorded for; a REINDEX makes a new OID, "
            + "and the versions are recorded again.")
    private Long collationsIndexOid;

    @JsonPropertyDescription("Where the recorded versions come from: Built (the operator built or rebuilt this "
            + "index, with the versions the server reported then) or Catalog (adopted or first seen: the versions "
            + "the catalog recorded, PostgreSQL's own assumption).")
    private String collationsSource;

    @JsonPropertyDescription("When the collation versions were last compared with the server's (RFC 3339).")
    private String collationsCheckedAt;

    @JsonPropertyDescription("Which collations changed version since the index was built, or null.")
    private String collationDrift;

    @JsonPropertyDescription("After this index was rebuilt for a drift: that it no longer depends on the old "
            + "versions, and when the database-wide REFRESH VERSION is safe.")
    private String collationNote;

    @JsonPropertyDescription("The latest amcheck verification (spec.health.verify).")
    private VerificationStatus verification;

    @JsonPropertyDescription("The latest bloat measurement (spec.health.bloat).")
    private BloatStatus bloat;

    public BloatStatus getBloat() { return bloat; }
    public void setBloat(BloatStatus bloat) { this.bloat = bloat; }
    public VerificationStatus getVerification() { return verification; }
    public void setVerification(VerificationStatus verification) { this.verification = verification; }
    public List<CollationVersion> getCollations() { return collations; }
    public void setCollations(List<CollationVersion> collations) { this.collations = collations; }
    public Long getCollationsIndexOid() { return collationsIndexOid; }
    public void setCollationsIndexOid(Long collationsIndexOid) { this.collationsIndexOid = collationsIndexOid; }
    public String getCollationsSource() { return collationsSource; }
    public void setCollationsSource(String collationsSource) { this.collationsSource = collationsSource; }
    public String getCollationsCheckedAt() { return collationsCheckedAt; }
    public void setCollationsCheckedAt(String collationsCheckedAt) { this.collationsCheckedAt = collationsCheckedAt; }
    public String getCollationDrift() { return collationDrift; }
    public void setCollationDrift(String collationDrift) { this.collationDrift = collationDrift; }
    public String getCollationNote() { return collationNote; }
    public void setCollationNote(String collationNote) { this.collationNote = collationNote; }
}
