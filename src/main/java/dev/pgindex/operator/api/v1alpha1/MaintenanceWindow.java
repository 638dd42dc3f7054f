package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.List;

/** One recurring time span in which builds may start, for example Sat and Sun from 02:00 for 4h, Europe/Berlin. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceWindow {
    @Size(max = 7)
    @JsonPropertyDescription("Days of the week on which the window opens (Mon, Tue, Wed, Thu, Fri, Sat, Sun); "
            + "omitted means every day. A window that opens late on one day may run into the next.")
    private List<Weekday> days;

    @Required
    @Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$")
    @JsonPropertyDescription("Local time at which the window opens, HH:MM (24 hours), in timeZone.")
    private String start;

    @Required
    @Pattern("^([0-9]+(m|h))+$")
    @JsonPropertyDescription("How long the window stays open, as a duration such as 4h or 1h30m (at most 7 days). "
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
