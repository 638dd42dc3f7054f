package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Verification of a b-tree index with amcheck (spec.health.verify). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerifyPolicy {
    @Default("false")
    @JsonPropertyDescription("Run bt_index_check(index, heapallindexed => true) where the amcheck extension is "
            + "installed in the database (the operator never creates it): after every build and rebuild, on "
            + "adoption, then every interval. It takes only an AccessShareLock (writes go on), runs on a session of "
            + "its own in the database's build slot and only inside the maintenance windows. B-tree indexes only.")
    private Boolean enabled = false;

    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @Default("168h")
    @JsonPropertyDescription("Time between two verifications of the same index, such as 24h or 168h (default).")
    private String interval = "168h";

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public String getInterval() { return interval; }
    public void setInterval(String interval) { this.interval = interval; }
}
