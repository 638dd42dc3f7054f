package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The latest build (or cleanup). Written before the DDL is sent, so a restarted operator knows what was in flight.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildInfo {
    @JsonPropertyDescription("Build runs CREATE INDEX CONCURRENTLY; Drop runs DROP INDEX CONCURRENTLY on an "
            + "invalid leftover.")
    private String operation;
    @JsonPropertyDescription("The index the statement works on (the index itself, a partition's index, or a "
            + "leftover).")
    private String target;
    @JsonPropertyDescription("Backend PID of the builder session (see pg_stat_activity, "
            + "pg_stat_progress_create_index).")
    private Integer builderPid;
    @JsonPropertyDescription("The statement sent.")
    private String statement;
    @JsonPropertyDescription("When the statement was sent (RFC 3339).")
    private String startedAt;
    @JsonPropertyDescription("When it ended (RFC 3339); absent while running.")
    private String finishedAt;
    @JsonPropertyDescription("How long it ran, in seconds.")
    private Double durationSeconds;
    @JsonPropertyDescription("OID of the index being built, once PostgreSQL created its catalog entry.")
    private Long indexOid;
    @JsonPropertyDescription("True once a BuildBlocked Warning event was raised for this build.")
    private Boolean blockedWarningSent;
    @JsonPropertyDescription("True once the operator looked at the catalog after this build ended: from then on an "
            + "index of this name without the operator's mark is its own only if its OID is indexOid.")
    private Boolean catalogChecked;

    public String getOperation() { return operation; }
    public void setOperation(String operation) { this.operation = operation; }
    public String getTarget() { return target; }
    public void setTarget(String target) { this.target = target; }
    public Integer getBuilderPid() { return builderPid; }
    public void setBuilderPid(Integer builderPid) { this.builderPid = builderPid; }
    public String getStatement() { return statement; }
    public void setStatement(String statement) { this.statement = statement; }
    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public String getFinishedAt() { return finishedAt; }
    public void setFinishedAt(String finishedAt) { this.finishedAt = finishedAt; }
    public Double getDurationSeconds() { return durationSeconds; }
    public void setDurationSeconds(Double durationSeconds) { this.durationSeconds = durationSeconds; }
    public Boolean getBlockedWarningSent() { return blockedWarningSent; }
    public void setBlockedWarningSent(Boolean blockedWarningSent) { this.blockedWarningSent = blockedWarningSent; }
    public Boolean getCatalogChecked() { return catalogChecked; }
    public void setCatalogChecked(Boolean catalogChecked) { this.catalogChecked = catalogChecked; }
    public Long getIndexOid() { return indexOid; }
    public void setIndexOid(Long indexOid) { this.indexOid = indexOid; }
}
