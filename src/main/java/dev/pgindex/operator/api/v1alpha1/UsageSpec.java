package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

import java.util.List;

/**
 * How the index's usage is counted once it is Ready (status.usage): which replicas add their scans, and when it is
 * unused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UsageSpec {
    @Size(max = 10)
    @JsonPropertyDescription("Read replicas whose index scans are added to the primary's, each through a Secret in "
            + "the same namespace with the same keys as spec.connection (for example a Secret pointing at "
            + "CloudNativePG's <cluster>-ro service). The role needs only CONNECT on the database; the scans are "
            + "read from pg_stat_user_indexes on each replica, by the index's schema and name. A replica that cannot "
            + "be read keeps its last counted scans and is named in status.usage.unreadReplicas. At most 10.")
    private List<ConnectionRef> replicas;

    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @JsonPropertyDescription("How long the index may go without a scan on the primary and every listed replica "
            + "before status.usage.unusedSince is set (the UNUSED column), as a duration such as 720h (30 days). "
            + "Omitted: the operator's default (pgindex.unused-after, 720h). An index that enforces a primary key, "
            + "a unique or exclusion constraint, uniqueness, or that a foreign key references, is never unused. "
            + "Being unused never changes Ready.")
    private String unusedAfter;

    public List<ConnectionRef> getReplicas() { return replicas; }
    public void setReplicas(List<ConnectionRef> replicas) { this.replicas = replicas; }
    public String getUnusedAfter() { return unusedAfter; }
    public void setUnusedAfter(String unusedAfter) { this.unusedAfter = unusedAfter; }
}
