package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The pace of a set's rollout. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {
    @Default("1")
    @Min(0)
    @Max(1000)
    @JsonPropertyDescription("How many targets (the first ones in rollout order: databases in order, schemas by "
            + "name) must be Ready before any other target starts. A canary target whose schema lacks the table "
            + "is skipped and the next one takes its place. Default 1; 0 starts everything at once (within "
            + "maxInFlight).")
    private Integer canary = 1;

    @Default("4")
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("Most targets in flight (created and not yet Ready or Stalled) at once, across all "
            + "databases. Inside one database never more than the operator's builds-per-database slots "
            + "(PGINDEX_BUILDS_PER_DATABASE, default 1) are started. Default 4.")
    private Integer maxInFlight = 4;

    @Default("1")
    @Min(1)
    @Max(100000)
    @JsonPropertyDescription("After this many targets are Stalled (duplicates for a unique index, a missing "
            + "column, retries exhausted...), no new target starts: the set is Stalled with reason "
            + "FailureBudgetExhausted and lists the stalled targets. Targets already in flight finish. Fixing the "
            + "stalled targets (they retry by themselves) resumes the rollout. Targets whose schema lacks the "
            + "table do not count. Default 1.")
    private Integer failureBudget = 1;

    public Integer getCanary() { return canary; }
    public void setCanary(Integer canary) { this.canary = canary; }
    public Integer getMaxInFlight() { return maxInFlight; }
    public void setMaxInFlight(Integer maxInFlight) { this.maxInFlight = maxInFlight; }
    public Integer getFailureBudget() { return failureBudget; }
    public void setFailureBudget(Integer failureBudget) { this.failureBudget = failureBudget; }
}
