package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What the operator checks and heals once the index is Ready (spec.health; docs/after-ready-health.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthPolicy {
    @Default("Report")
    @JsonPropertyDescription("When a collation a key column of the index depends on (an explicit COLLATE or the "
            + "database default) reports another version than the index was built with (a glibc or ICU upgrade): "
            + "Report (default) sets reason CollationDrift on Ready and raises a Warning event; Rebuild also runs "
            + "REINDEX INDEX CONCURRENTLY of this index, within the maintenance windows, replica lag limit and build "
            + "slots. The database-wide ALTER COLLATION/DATABASE ... REFRESH VERSION is never run by the operator.")
    private CollationDriftPolicy collationDrift = CollationDriftPolicy.Report;

    @JsonPropertyDescription("Verification with amcheck's bt_index_check (off unless enabled).")
    private VerifyPolicy verify;

    @Default("Report")
    @JsonPropertyDescription("When a verification finds the index corrupt: Report (default) sets Stalled with reason "
            + "VerificationFailed and raises a Warning event; Rebuild runs REINDEX INDEX CONCURRENTLY of this index "
            + "within the maintenance windows, replica lag limit and build slots, then verifies the new index.")
    private CorruptionPolicy onCorruption = CorruptionPolicy.Report;

    @JsonPropertyDescription("Measure the index's bloat and, over a threshold, rebuild it concurrently (off unless "
            + "present).")
    private BloatPolicy bloat;

    public CollationDriftPolicy getCollationDrift() { return collationDrift; }
    public void setCollationDrift(CollationDriftPolicy collationDrift) { this.collationDrift = collationDrift; }
    public VerifyPolicy getVerify() { return verify; }
    public void setVerify(VerifyPolicy verify) { this.verify = verify; }
    public CorruptionPolicy getOnCorruption() { return onCorruption; }
    public void setOnCorruption(CorruptionPolicy onCorruption) { this.onCorruption = onCorruption; }
    public BloatPolicy getBloat() { return bloat; }
    public void setBloat(BloatPolicy bloat) { this.bloat = bloat; }
}
