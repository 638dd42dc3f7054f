package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The latest VALIDATE CONSTRAINT. PostgreSQL reports no progress for it; its blockers are named. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ValidationInfo {
    @JsonPropertyDescription("Backend pid of the session running it.")
    private Integer pid;

    @JsonPropertyDescription("When it started (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription("When it ended (RFC 3339).")
    private String finishedAt;

    @JsonPropertyDescription("Sessions it waits for (pg_blocking_pids), as pid, user and the start of their query.")
    private String blockedBy;

    public Integer getPid() { return pid; }
    public void setPid(Integer pid) { this.pid = pid; }
    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public String getFinishedAt() { return finishedAt; }
    public void setFinishedAt(String finishedAt) { this.finishedAt = finishedAt; }
    public String getBlockedBy() { return blockedBy; }
    public void setBlockedBy(String blockedBy) { this.blockedBy = blockedBy; }
}
