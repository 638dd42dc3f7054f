package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.List;

/** One recurring time span in which builds may start, for example Sat and Sun from 02:00 for 4h, Europe/Berlin. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceWindow {
    /** A duration in hours and minutes, such as 4h or 1h30m; the operator's parser reads it the same way as CEL. */
    public static final String DURATION_PATTERN = "^([0-9]+(m|h))+$";
    /** The shortest and the longest window, checked at admission and again by the operator. */
    public static final String MIN_DURATION = "1m";
    public static final String MAX_DURATION = "168h";
    public static final String DURATION_RANGE = "duration must be between " + MIN_DURATION + " and " + MAX_DURATION;
    /**
     * The range at admission. CEL's duration() reads what the pattern lets through (Go durations: parts summed,
     * 167h60m is 168h) as the operator does; a value that fails the pattern is left to the pattern's own message.
     */
    static final String DURATION_RULE = "!self.matches('" + DURATION_PATTERN + "') || (duration(self) >= duration('"
            + MIN_DURATION + "') && duration(self) <= duration('" + MAX_DURATION + "'))";

    @Size(max = 7)
    @JsonPropertyDescription("Days of the week on which the window opens (Mon, Tue, Wed, Thu, Fri, Sat, Sun); "
            + "omitted means every day. A window that opens late on one day may run into the next.")
    private List<Weekday> days;

    @Required
    @Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$")
    @JsonPropertyDescription("Local time at which the window opens, HH:MM (24 hours), in timeZone.")
    private String start;

    @Required
    @Size(max = 32) // bounded, or the API server estimates the rule's cost over the budget and refuses the CRD
    @Pattern(DURATION_PATTERN)
    @ValidationRule(value = DURATION_RULE, message = DURATION_RANGE)
    @JsonPropertyDescription("How long the window stays open, as a duration such as 4h or 1h30m, from 1m to 168h. "
            + "A build may only start while the window is open and, when the operator can predict it, only if it "
            + "is expected to end before the window closes; a build that is running when the window closes is "
            + "not interrupted.")
    private String duration;

    @Pattern("^[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+)*$")
    @JsonPropertyDescription("IANA time zone of start, such as Europe/Berlin or America/New_York (daylight "
            + "saving time included); omitted means UTC. A zone the operator does not know stops the resource "
            + "with InvalidSpec.")
    private String timeZone;

    public List<Weekday> getDays() { return days; }
    public void setDays(List<Weekday> days) { this.days = days; }
    public String getStart() { return start; }
    public void setStart(String start) { this.start = start; }
    public String getDuration() { return duration; }
    public void setDuration(String duration) { this.duration = duration; }
    public String getTimeZone() { return timeZone; }
    public void setTimeZone(String timeZone) { this.timeZone = timeZone; }
}
