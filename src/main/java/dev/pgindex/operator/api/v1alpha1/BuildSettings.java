package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Settings of the builder session, and what follows a build (spec.buildSettings). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildSettings {
    @Pattern("^[0-9]{1,9}(kB|MB|GB)$")
    @JsonPropertyDescription("maintenance_work_mem of the builder session, such as 256MB or 2GB (at least 1MB): "
            + "memory for the build's sort before it spills to temporary files. Omitted: the role's or server's "
            + "setting. Set with set_config on the builder session only.")
    private String maintenanceWorkMem;

    @Min(0)
    @Max(64)
    @JsonPropertyDescription("max_parallel_maintenance_workers of the builder session (0 to 64; B-tree builds "
            + "only; also capped by max_worker_processes and max_parallel_workers). Omitted: the server's setting.")
    private Integer maxParallelMaintenanceWorkers;

    @Default("Auto")
    @JsonPropertyDescription("ANALYZE the table after a build or rebuild, with a 2s lock_timeout: Auto (default) "
            + "when the index has expressions or a predicate (the planner has no statistics for an expression "
            + "until then), Always, or Never. Recorded in status.analyze; a failed ANALYZE is recorded, not retried.")
    private AnalyzeMode analyze = AnalyzeMode.Auto;

    public String getMaintenanceWorkMem() { return maintenanceWorkMem; }
    public void setMaintenanceWorkMem(String maintenanceWorkMem) { this.maintenanceWorkMem = maintenanceWorkMem; }
    public Integer getMaxParallelMaintenanceWorkers() { return maxParallelMaintenanceWorkers; }
    public void setMaxParallelMaintenanceWorkers(Integer n) { this.maxParallelMaintenanceWorkers = n; }
    public AnalyzeMode getAnalyze() { return analyze; }
    public void setAnalyze(AnalyzeMode analyze) { this.analyze = analyze; }
}
