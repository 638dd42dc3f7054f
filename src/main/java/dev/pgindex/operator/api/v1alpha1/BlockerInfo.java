package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A session the build is waiting for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BlockerInfo {
    @JsonPropertyDescription("Backend PID of the blocking session (pg_terminate_backend takes it).")
    private Integer pid;
    @JsonPropertyDescription("Database role of the blocking session.")
    private String user;
    @JsonPropertyDescription("application_name of the blocking session.")
    private String applicationName;
    @JsonPropertyDescription("pg_stat_activity.state, for example 'idle in transaction'.")
    private String state;
    @JsonPropertyDescription("How long its transaction has been open, in seconds.")
    private Long transactionAgeSeconds;
    @JsonPropertyDescription("Its current or last query, cut to 200 characters ('<insufficient privilege>' unless "
            + "the operator's role has pg_read_all_stats or pg_monitor).")
    private String query;
    @JsonPropertyDescription("What the builder waits on: 'relation' (its first lock on the table) or "
            + "'virtualxid' (waiting for older transactions to end).")
    private String waitingOn;

    public Integer getPid() { return pid; }
    public void setPid(Integer pid) { this.pid = pid; }
    public String getUser() { return user; }
    public void setUser(String user) { this.user = user; }
    public String getApplicationName() { return applicationName; }
    public void setApplicationName(String applicationName) { this.applicationName = applicationName; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public Long getTransactionAgeSeconds() { return transactionAgeSeconds; }
    public void setTransactionAgeSeconds(Long transactionAgeSeconds) { this.transactionAgeSeconds = transactionAgeSeconds; }
    public String getQuery() { return query; }
    public void setQuery(String query) { this.query = query; }
    public String getWaitingOn() { return waitingOn; }
    public void setWaitingOn(String waitingOn) { this.waitingOn = waitingOn; }
}
