package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The latest bloat measurement of the index (spec.health.bloat). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BloatStatus {
    @JsonPropertyDescription("pgstatindex (pgstattuple's exact measure of the leaf pages) or estimate (from the "
            + "planner's statistics: the size the index would have packed at its fillfactor).")
    private String method;

    @JsonPropertyDescription("Bloat in percent of the index: space beyond what its live entries need at its "
            + "fillfactor.")
    private Double percent;

    @JsonPropertyDescription("The index size when measured, in bytes.")
    private Long sizeBytes;

    @JsonPropertyDescription("The index OID measured.")
    private Long indexOid;

    @JsonPropertyDescription("When it was measured (RFC 3339).")
    private String measuredAt;

    @JsonPropertyDescription("While pgstatindex runs: when it started (RFC 3339).")
    private String measuring;

    @JsonPropertyDescription("What the policy made of the figure: rebuilt, under the threshold, too small, or "
            + "not before a time; or why it was not measured.")
    private String message;

    public String getMethod() { return method; }
    public void setMethod(String method) { this.method = method; }
    public Double getPercent() { return percent; }
    public void setPercent(Double percent) { this.percent = percent; }
    public Long getSizeBytes() { return sizeBytes; }
    public void setSizeBytes(Long sizeBytes) { this.sizeBytes = sizeBytes; }
    public Long getIndexOid() { return indexOid; }
    public void setIndexOid(Long indexOid) { this.indexOid = indexOid; }
    public String getMeasuredAt() { return measuredAt; }
    public void setMeasuredAt(String measuredAt) { this.measuredAt = measuredAt; }
    public String getMeasuring() { return measuring; }
    public void setMeasuring(String measuring) { this.measuring = measuring; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
}
