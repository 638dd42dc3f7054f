package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Live progress of the running build, from pg_stat_progress_create_index. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProgressInfo {
    @JsonPropertyDescription("CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY ...")
    private String command;
    @JsonPropertyDescription("The PostgreSQL phase, for example 'building index: scanning table' or 'waiting for "
            + "old snapshots'; 'done' once the index is valid.")
    private String phase;
    @JsonPropertyDescription("Estimated percent done (0-100), weighted by phase; it only moves forward and does not "
            + "move while the build waits for other transactions.")
    private Integer percent;
    @JsonPropertyDescription("percent with a % sign, for kubectl get.")
    private String display;
    @JsonPropertyDescription("Blocks processed in the current phase.")
    private Long blocksDone;
    @JsonPropertyDescription("Blocks to process in the current phase.")
    private Long blocksTotal;
    @JsonPropertyDescription("Tuples processed in the current phase.")
    private Long tuplesDone;
    @JsonPropertyDescription("Tuples to process in the current phase.")
    private Long tuplesTotal;
    @JsonPropertyDescription("Sessions already waited for in the current wait phase.")
    private Long lockersDone;
    @JsonPropertyDescription("Sessions to wait for in the current wait phase.")
    private Long lockersTotal;
    @JsonPropertyDescription("When this was sampled (RFC 3339).")
    private String updatedAt;

    public String getCommand() { return command; }
    public void setCommand(String command) { this.command = command; }
    public String getPhase() { return phase; }
    public void setPhase(String phase) { this.phase = phase; }
    public Integer getPercent() { return percent; }
    public void setPercent(Integer percent) { this.percent = percent; }
    public String getDisplay() { return display; }
    public void setDisplay(String display) { this.display = display; }
    public Long getBlocksDone() { return blocksDone; }
    public void setBlocksDone(Long blocksDone) { this.blocksDone = blocksDone; }
    public Long getBlocksTotal() { return blocksTotal; }
    public void setBlocksTotal(Long blocksTotal) { this.blocksTotal = blocksTotal; }
    public Long getTuplesDone() { return tuplesDone; }
    public void setTuplesDone(Long tuplesDone) { this.tuplesDone = tuplesDone; }
    public Long getTuplesTotal() { return tuplesTotal; }
    public void setTuplesTotal(Long tuplesTotal) { this.tuplesTotal = tuplesTotal; }
    public Long getLockersDone() { return lockersDone; }
    public void setLockersDone(Long lockersDone) { this.lockersDone = lockersDone; }
    public Long getLockersTotal() { return lockersTotal; }
    public void setLockersTotal(Long lockersTotal) { this.lockersTotal = lockersTotal; }
    public String getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(String updatedAt) { this.updatedAt = updatedAt; }
}
