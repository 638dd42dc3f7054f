package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** Observed state. Conditions are the contract; the rest are facts for people and tools. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresIndexStatus {
    @JsonPropertyDescription("The metadata.generation this status describes. Ready is only meaningful when it "
            + "equals metadata.generation.")
    private Long observedGeneration;

    @JsonPropertyDescription("One-word summary for kubectl get: Pending, Building, Ready, Stalled or Deleting.")
    private Phase phase;

    @JsonPropertyDescription("Ready, Reconciling and Stalled, following the Kubernetes API conventions (kstatus): "
            + "status True/False/Unknown, a CamelCase reason, a message, lastTransitionTime (moves only when status "
            + "flips) and observedGeneration.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The index in PostgreSQL, once it exists.")
    private IndexInfo index;

    @JsonPropertyDescription("Digest of the index definition (the DDL the spec renders to).")
    private String specHash;

    @JsonPropertyDescription("Builds started for the current generation (the first build counts).")
    private Integer attempts;

    @JsonPropertyDescription("The latest build or cleanup.")
    private BuildInfo build;

    @JsonPropertyDescription("For a partitioned table: leaf partitions done and total.")
    private PartitionsInfo partitions;

    @JsonPropertyDescription("The spec.rebuild token of the last REINDEX INDEX CONCURRENTLY that finished.")
    private String rebuiltToken;

    @JsonPropertyDescription("The constraint backed by the index, once added (spec.constraint).")
    private ConstraintStatus constraint;

    @JsonPropertyDescription("Live progress of the running build; 100% once the built index is Ready.")
    private ProgressInfo progress;

    @JsonPropertyDescription("Sessions the running build is waiting for (at most 5, oldest transaction first).")
    private List<BlockerInfo> blockers;

    @JsonPropertyDescription("One-line summary of the first blocker, for kubectl get -o wide.")
    private String blockedBy;

    @JsonPropertyDescription("Since when the running build has been blocked (RFC 3339).")
    private String blockedSince;

    @JsonPropertyDescription("The latest failure; cleared when the index becomes Ready.")
    private ErrorInfo lastError;

    @JsonPropertyDescription("When the operator will try again after a failure (RFC 3339).")
    private String nextAttemptAt;

    @JsonPropertyDescription("OIDs of the name_ccnew/name_ccold leftovers that this resource's own failed REINDEX "
            + "INDEX CONCURRENTLY left behind, recorded at the first look after it ended; the operator drops these "
            + "and no other index named like them.")
    private List<Long> reindexLeftovers;

    @JsonPropertyDescription("What the guards that decide when a build may start found: the next maintenance "
            + "window, the predicted build time, the running build's ETA.")
    private GuardStatus guards;

    @JsonPropertyDescription("The ANALYZE of the table after the latest build (spec.buildSettings.analyze).")
    private AnalyzeInfo analyze;

    @JsonPropertyDescription("Size and usage of the Ready index (spec.usage): scans on the primary and replicas, "
            + "last use, and whether it has gone unused for spec.usage.unusedAfter. Read and written at most once "
            + "per pgindex.usage-interval.")
    private UsageStatus usage;

    @JsonPropertyDescription("What the checks after Ready found: the collation versions the index depends on and "
            + "any drift (spec.health).")
    private HealthStatus health;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public Phase getPhase() { return phase; }
    public void setPhase(Phase phase) { this.phase = phase; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public IndexInfo getIndex() { return index; }
    public void setIndex(IndexInfo index) { this.index = index; }
    public String getSpecHash() { return specHash; }
    public void setSpecHash(String specHash) { this.specHash = specHash; }
    public Integer getAttempts() { return attempts; }
    public void setAttempts(Integer attempts) { this.attempts = attempts; }
    public BuildInfo getBuild() { return build; }
    public void setBuild(BuildInfo build) { this.build = build; }
    public PartitionsInfo getPartitions() { return partitions; }
    public void setPartitions(PartitionsInfo partitions) { this.partitions = partitions; }
    public String getRebuiltToken() { return rebuiltToken; }
    public void setRebuiltToken(String rebuiltToken) { this.rebuiltToken = rebuiltToken; }
    public ConstraintStatus getConstraint() { return constraint; }
    public void setConstraint(ConstraintStatus constraint) { this.constraint = constraint; }
    public ProgressInfo getProgress() { return progress; }
    public void setProgress(ProgressInfo progress) { this.progress = progress; }
    public List<BlockerInfo> getBlockers() { return blockers; }
    public void setBlockers(List<BlockerInfo> blockers) { this.blockers = blockers; }
    public String getBlockedBy() { return blockedBy; }
    public void setBlockedBy(String blockedBy) { this.blockedBy = blockedBy; }
    public String getBlockedSince() { return blockedSince; }
    public void setBlockedSince(String blockedSince) { this.blockedSince = blockedSince; }
    public ErrorInfo getLastError() { return lastError; }
    public void setLastError(ErrorInfo lastError) { this.lastError = lastError; }
    public List<Long> getReindexLeftovers() { return reindexLeftovers; }
    public void setReindexLeftovers(List<Long> reindexLeftovers) { this.reindexLeftovers = reindexLeftovers; }
    public String getNextAttemptAt() { return nextAttemptAt; }
    public void setNextAttemptAt(String nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; }
    public GuardStatus getGuards() { return guards; }
    public void setGuards(GuardStatus guards) { this.guards = guards; }
    public AnalyzeInfo getAnalyze() { return analyze; }
    public void setAnalyze(AnalyzeInfo analyze) { this.analyze = analyze; }
    public UsageStatus getUsage() { return usage; }
    public void setUsage(UsageStatus usage) { this.usage = usage; }
    public HealthStatus getHealth() { return health; }
    public void setHealth(HealthStatus health) { this.health = health; }
}
