package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.List;

/** What to do about sessions that block this resource's build (spec.blockingSessions). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.action) || self.action == 'Report' || has(self.applicationNames) || has(self.roles) "
        + "|| has(self.states)", message = "Cancel and Terminate need at least one of applicationNames, roles, states: "
        + "the operator ends only sessions that match what is listed")
public class BlockingSessionsPolicy {
    @Default("Report")
    @JsonPropertyDescription("Report (default): name the sessions the build waits for in status.blockers and a "
            + "BuildBlocked event, end nothing. Cancel: pg_cancel_backend on a matching session that runs a "
            + "statement (an idle transaction is not affected by a cancel: it runs nothing; it is reported instead). "
            + "Terminate: pg_terminate_backend on a matching session, rolling back its transaction. Only sessions "
            + "that block this very build are considered, only after gracePeriod; each action raises an Event. "
            + "Needs the operator's role to be a member of pg_signal_backend or of the blocking session's role (a "
            + "superuser's session can only be ended by a superuser).")
    private BlockerAction action = BlockerAction.Report;

    @Default("5m")
    @Pattern("^([0-9]+(s|m|h))+$")
    @JsonPropertyDescription("How long the build must have been blocked before a session is cancelled or "
            + "terminated, as a duration such as 30s, 5m or 1h. Default 5m.")
    private String gracePeriod = "5m";

    @Size(max = 20)
    @JsonPropertyDescription("Only sessions whose application_name is one of these (exact match; a trailing * "
            + "matches any suffix, as in report-*).")
    private List<String> applicationNames;

    @Size(max = 20)
    @JsonPropertyDescription("Only sessions of one of these roles (pg_stat_activity.usename).")
    private List<String> roles;

    @Size(max = 5)
    @JsonPropertyDescription("Only sessions in one of these states (pg_stat_activity.state): active, idle in "
            + "transaction, idle in transaction (aborted). A session must match every list that is given.")
    private List<String> states;

    public BlockerAction getAction() { return action; }
    public void setAction(BlockerAction action) { this.action = action; }
    public String getGracePeriod() { return gracePeriod; }
    public void setGracePeriod(String gracePeriod) { this.gracePeriod = gracePeriod; }
    public List<String> getApplicationNames() { return applicationNames; }
    public void setApplicationNames(List<String> applicationNames) { this.applicationNames = applicationNames; }
    public List<String> getRoles() { return roles; }
    public void setRoles(List<String> roles) { this.roles = roles; }
    public List<String> getStates() { return states; }
    public void setStates(List<String> states) { this.states = states; }
}
