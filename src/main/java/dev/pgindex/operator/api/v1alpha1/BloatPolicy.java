package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Bloat measurement and the rebuild policy (spec.health.bloat); present means measured. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BloatPolicy {
    @Min(1)
    @Max(99)
    @JsonPropertyDescription("Rebuild with REINDEX INDEX CONCURRENTLY when the measured bloat is at least this "
            + "percentage of the index (GitLab uses 20). Omitted: measure and report only.")
    private Integer rebuildAbovePercent;

    @Pattern("^[0-9]+(Ki|Mi|Gi|Ti)?$")
    @Default("1Gi")
    @JsonPropertyDescription("Smallest index that is rebuilt for bloat, in bytes or with a binary suffix (default "
            + "1Gi): rebuilding a small index gains little.")
    private String minSize = "1Gi";

    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @Default("240h")
    @JsonPropertyDescription("Shortest time between the operator's last build or rebuild of the index and a rebuild "
            + "for bloat (default 240h, ten days).")
    private String minInterval = "240h";

    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @Default("24h")
    @JsonPropertyDescription("How often the bloat is measured (default 24h): pgstatindex() as a job where the "
            + "pgstattuple extension is installed (it reads the whole index), otherwise an estimate from the "
            + "planner's statistics (one catalog read).")
    private String checkInterval = "24h";

    public Integer getRebuildAbovePercent() { return rebuildAbovePercent; }
    public void setRebuildAbovePercent(Integer rebuildAbovePercent) { this.rebuildAbovePercent = rebuildAbovePercent; }
    public String getMinSize() { return minSize; }
    public void setMinSize(String minSize) { this.minSize = minSize; }
    public String getMinInterval() { return minInterval; }
    public void setMinInterval(String minInterval) { this.minInterval = minInterval; }
    public String getCheckInterval() { return checkInterval; }
    public void setCheckInterval(String checkInterval) { this.checkInterval = checkInterval; }
}
