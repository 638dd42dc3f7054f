package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;

/** The most recent failure. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ErrorInfo {
    @JsonPropertyDescription("Classified reason, for example UniqueViolation, Deadlock or ConnectionLost (the "
            + "condition reasons). A name this version does not know (written by another version) reads as none.")
    @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
    @SchemaFrom(type = String.class) // open, as condition reasons are: a newer operator may write a new one
    private Reason reason;
    @JsonPropertyDescription("PostgreSQL SQLSTATE, when the server reported one.")
    private String sqlState;
    @JsonPropertyDescription("The server's message, with DETAIL and HINT.")
    private String message;
    @JsonPropertyDescription("Whether the operator retries it by itself (with backoff).")
    private Boolean transientError;
    @JsonPropertyDescription("When it happened (RFC 3339).")
    private String time;
    @JsonPropertyDescription("How many times in a row this reason occurred; drives the backoff.")
    private Integer occurrences;

    public Reason getReason() { return reason; }
    public void setReason(Reason reason) { this.reason = reason; }
    public String getSqlState() { return sqlState; }
    public void setSqlState(String sqlState) { this.sqlState = sqlState; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public Boolean getTransientError() { return transientError; }
    public void setTransientError(Boolean transientError) { this.transientError = transientError; }
    public String getTime() { return time; }
    public void setTime(String time) { this.time = time; }
    public Integer getOccurrences() { return occurrences; }
    public void setOccurrences(Integer occurrences) { this.occurrences = occurrences; }
}
