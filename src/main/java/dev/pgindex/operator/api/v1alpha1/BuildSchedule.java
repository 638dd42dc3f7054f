package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

import java.util.List;

/** When this resource's builds may start (spec.schedule). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildSchedule {
    @Size(max = 20)
    @JsonPropertyDescription("Maintenance windows: a build, a retry, a partition leaf's build or a rebuild "
            + "(REINDEX, or of an INVALID index) starts only while one of them is open. While waiting the "
            + "resource is Reconciling with reason WaitingForWindow and status.guards.nextWindow says when the "
            + "next one opens. Omitted: the operator's default (pgindex.maintenance-windows), if it has one; an "
            + "empty list means no window at all (build at any time) even when the operator has a default.")
    private List<MaintenanceWindow> windows;

    public List<MaintenanceWindow> getWindows() { return windows; }
    public void setWindows(List<MaintenanceWindow> windows) { this.windows = windows; }
}
