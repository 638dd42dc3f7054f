package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The counters of one server as last read, kept so that the next reading can tell new scans from a reset. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UsageSource {
    @JsonPropertyDescription("\"primary\", or the name of the replica's Secret (spec.usage.replicas).")
    private String name;

    @JsonPropertyDescription("pg_stat_user_indexes.idx_scan on this server at the last reading: scans since this "
            + "server's statistics of the index began (its creation, or the last statistics reset).")
    private Long idxScan;

    @JsonPropertyDescription("pg_stat_database.stats_reset of the database on this server at the last reading "
            + "(RFC 3339); absent when its statistics were never reset.")
    private String statsReset;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Long getIdxScan() { return idxScan; }
    public void setIdxScan(Long idxScan) { this.idxScan = idxScan; }
    public String getStatsReset() { return statsReset; }
    public void setStatsReset(String statsReset) { this.statsReset = statsReset; }
}
