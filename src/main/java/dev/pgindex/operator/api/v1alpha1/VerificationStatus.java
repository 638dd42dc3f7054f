package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The latest amcheck verification of the index (spec.health.verify). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationStatus {
    @JsonPropertyDescription("Running, Passed, Failed (amcheck found corruption), Error (the check could not run, "
            + "for example no EXECUTE privilege on bt_index_check) or Skipped (amcheck is not installed, or the "
            + "index is not a b-tree).")
    private String result;

    @JsonPropertyDescription("What amcheck or the server said, or why the check was skipped.")
    private String message;

    @JsonPropertyDescription("The index OID that was verified.")
    private Long indexOid;

    @JsonPropertyDescription("The statement that ran.")
    private String statement;

    @JsonPropertyDescription("PID of the backend running the check.")
    private Integer builderPid;

    @JsonPropertyDescription("When the check started (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription("When it ended, or was skipped (RFC 3339).")
    private String finishedAt;

    @JsonPropertyDescription("How long it ran, in seconds.")
    private Double durationSeconds;

    @JsonPropertyDescription("Why a due check has not started (outside the maintenance windows), or null.")
    private String waiting;

    public String getResult() { return result; }
    public void setResult(String result) { this.result = result; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public Long getIndexOid() { return indexOid; }
    public void setIndexOid(Long indexOid) { this.indexOid = indexOid; }
    public String getStatement() { return statement; }
    public void setStatement(String statement) { this.statement = statement; }
    public Integer getBuilderPid() { return builderPid; }
    public void setBuilderPid(Integer builderPid) { this.builderPid = builderPid; }
    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public String getFinishedAt() { return finishedAt; }
    public void setFinishedAt(String finishedAt) { this.finishedAt = finishedAt; }
    public Double getDurationSeconds() { return durationSeconds; }
    public void setDurationSeconds(Double durationSeconds) { this.durationSeconds = durationSeconds; }
    public String getWaiting() { return waiting; }
    public void setWaiting(String waiting) { this.waiting = waiting; }
}
