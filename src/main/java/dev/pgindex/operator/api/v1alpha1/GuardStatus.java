package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the guards that decide when a build may start (spec.schedule, pooler detection, ...) last found. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GuardStatus {
    @JsonPropertyDescription("Why no build starts now, with what it waits for (for example \"WaitingForWindow "
            + "until 2026-12-05T02:00:00Z\"); shown by kubectl get -o wide. Empty when nothing holds a build back.")
    private String waiting;

    @JsonPropertyDescription("When the next maintenance window opens (RFC 3339), while a build waits for one.")
    private String nextWindow;

    @JsonPropertyDescription("When the open maintenance window closes (RFC 3339), when a build was held back "
            + "because it was predicted not to end before then.")
    private String windowClosesAt;

    @JsonPropertyDescription("Predicted duration of the next build (for example \"12m30s\"), from the table's size "
            + "and the build rate measured on earlier builds on this database by this operator process.")
    private String estimatedBuildTime;

    @JsonPropertyDescription("When the running build is expected to end (RFC 3339), from its measured progress "
            + "rate (pg_stat_progress_create_index).")
    private String eta;

    @JsonPropertyDescription("What spec.blockingSessions could not do, for example a session the operator's role "
            + "may not end (it needs pg_signal_backend), or an idle transaction that a cancel does not end.")
    private String blockingSessions;

    @JsonPropertyDescription("Backend PIDs the operator tried and failed to end for this build (not tried again).")
    private java.util.List<Integer> notEnded;

    @JsonPropertyDescription("The replication lag measured before the last build start, when spec.replicaLag (or "
            + "the operator's default) applies, for example \"40 MiB behind on standby 'replica1'\".")
    private String replicaLag;

    public String getReplicaLag() { return replicaLag; }
    public void setReplicaLag(String replicaLag) { this.replicaLag = replicaLag; }
    public String getBlockingSessions() { return blockingSessions; }
    public void setBlockingSessions(String blockingSessions) { this.blockingSessions = blockingSessions; }
    public java.util.List<Integer> getNotEnded() { return notEnded; }
    public void setNotEnded(java.util.List<Integer> notEnded) { this.notEnded = notEnded; }
    public String getWaiting() { return waiting; }
    public void setWaiting(String waiting) { this.waiting = waiting; }
    public String getNextWindow() { return nextWindow; }
    public void setNextWindow(String nextWindow) { this.nextWindow = nextWindow; }
    public String getWindowClosesAt() { return windowClosesAt; }
    public void setWindowClosesAt(String windowClosesAt) { this.windowClosesAt = windowClosesAt; }
    public String getEstimatedBuildTime() { return estimatedBuildTime; }
    public void setEstimatedBuildTime(String estimatedBuildTime) { this.estimatedBuildTime = estimatedBuildTime; }
    public String getEta() { return eta; }
    public void setEta(String eta) { this.eta = eta; }
}
