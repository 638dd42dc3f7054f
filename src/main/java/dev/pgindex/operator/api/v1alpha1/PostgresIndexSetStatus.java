package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What the set's rollout looks like: counts over the targets, the stalled ones by name, kstatus conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresIndexSetStatus {
    /** Most target names listed in stalledTargets and tableMissingTargets. */
    public static final int MAX_LISTED = 20;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, Reconciling and Stalled, following the Kubernetes API conventions (kstatus). "
            + "Ready is True when every target is Ready (targets whose schema lacks the table excepted).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The index name being rolled out (spec.template.name as last reconciled).")
    private String indexName;

    @JsonPropertyDescription("Targets (database x schema) found on the last look.")
    private Integer targets;

    @JsonPropertyDescription("Targets whose PostgresIndex is Ready.")
    private Integer ready;

    @JsonPropertyDescription("Targets whose PostgresIndex is building (or cleaning up before a build).")
    private Integer building;

    @JsonPropertyDescription("Targets not started yet (held back by the canary, maxInFlight, the per-database "
            + "slots or the failure budget) or started and waiting (for a build slot, a retry, the database).")
    private Integer waiting;

    @JsonPropertyDescription("Targets whose PostgresIndex is Stalled for a reason other than a missing table.")
    private Integer stalled;

    @JsonPropertyDescription("Targets whose schema lacks the table (or does not exist): reported, not counted as "
            + "failures.")
    private Integer tableMissing;

    @JsonPropertyDescription("PostgresIndex names of the stalled targets (the first 20), with the reason, as "
            + "name (database/schema): reason.")
    private List<String> stalledTargets;

    @JsonPropertyDescription("database/schema of the targets whose schema lacks the table (the first 20).")
    private List<String> tableMissingTargets;

    @JsonPropertyDescription("Databases whose schemas could not be listed on the last look (Secret missing or "
            + "unreadable, database unreachable), with the error; their existing targets are kept as they are.")
    private List<String> unreachableDatabases;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public String getIndexName() { return indexName; }
    public void setIndexName(String indexName) { this.indexName = indexName; }
    public Integer getTargets() { return targets; }
    public void setTargets(Integer targets) { this.targets = targets; }
    public Integer getReady() { return ready; }
    public void setReady(Integer ready) { this.ready = ready; }
    public Integer getBuilding() { return building; }
    public void setBuilding(Integer building) { this.building = building; }
    public Integer getWaiting() { return waiting; }
    public void setWaiting(Integer waiting) { this.waiting = waiting; }
    public Integer getStalled() { return stalled; }
    public void setStalled(Integer stalled) { this.stalled = stalled; }
    public Integer getTableMissing() { return tableMissing; }
    public void setTableMissing(Integer tableMissing) { this.tableMissing = tableMissing; }
    public List<String> getStalledTargets() { return stalledTargets; }
    public void setStalledTargets(List<String> stalledTargets) { this.stalledTargets = stalledTargets; }
    public List<String> getTableMissingTargets() { return tableMissingTargets; }
    public void setTableMissingTargets(List<String> tableMissingTargets) { this.tableMissingTargets = tableMissingTargets; }
    public List<String> getUnreachableDatabases() { return unreachableDatabases; }
    public void setUnreachableDatabases(List<String> unreachableDatabases) { this.unreachableDatabases = unreachableDatabases; }
}
