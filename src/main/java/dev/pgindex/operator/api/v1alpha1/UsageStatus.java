package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * Size and usage of a Ready index, read at most once per pgindex.usage-interval (and written to status only then),
 * on the primary and the replicas of spec.usage.replicas.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UsageStatus {
    @JsonPropertyDescription("Size of the index on disk in bytes (pg_relation_size), on the primary.")
    private Long sizeBytes;

    @JsonPropertyDescription("sizeBytes for people, for example \"8.2 MiB\" (the SIZE column).")
    private String size;

    @JsonPropertyDescription("Index scans counted since countingSince, summed over the primary and the replicas "
            + "of spec.usage.replicas: at the first reading each server's pg_stat_user_indexes.idx_scan, then what "
            + "each counter grew by between readings. A statistics reset on a server (its counter went down, or "
            + "pg_stat_database.stats_reset moved) adds the scans counted there since the reset, never a negative "
            + "number: the total never goes down, and misses at most the scans of one usage interval before a reset.")
    private Long scans;

    @JsonPropertyDescription("Since when the scans are counted (RFC 3339): the later of the index's build by this "
            + "operator and the latest statistics reset on the primary or a replica seen at the first reading. "
            + "Absent when neither is known (the counters then run since the server's statistics began).")
    private String countingSince;

    @JsonPropertyDescription("When the index was last scanned (RFC 3339), on any server read: "
            + "pg_stat_user_indexes.last_idx_scan where every server is PostgreSQL 16 or later (to the second), "
            + "otherwise the first reading that saw the scans grow (to within one usage interval). Absent when no "
            + "scan has been seen since countingSince.")
    private String lastUsed;

    @JsonPropertyDescription("Set (RFC 3339, the UNUSED column shows its age) when no scan has been seen for "
            + "spec.usage.unusedAfter (default pgindex.unused-after): the value is lastUsed, or when counting "
            + "began. Absent while the index is used, and always for an index that enforces a constraint or "
            + "uniqueness. Only a report: Ready is not affected.")
    private String unusedSince;

    @JsonPropertyDescription("Why the index counts as used whatever its scans: it backs a primary key, unique or "
            + "exclusion constraint, is a unique index, or a foreign key references it. Absent otherwise.")
    private String enforces;

    @JsonPropertyDescription("When the operator first read this index's counters (RFC 3339); an index never "
            + "scanned since then, with countingSince unknown, counts as unused from here.")
    private String firstReadAt;

    @JsonPropertyDescription("When these figures were read (RFC 3339). They are read again, and status written, "
            + "at most once per pgindex.usage-interval, not on every re-check.")
    private String readAt;

    @JsonPropertyDescription("Replicas of spec.usage.replicas that could not be read at readAt, with the reason; "
            + "their scans since their last reading are missing from scans until they can be read again.")
    private List<String> unreadReplicas;

    @JsonPropertyDescription("Each server's counter at the last reading, to tell new scans from a statistics reset.")
    private List<UsageSource> sources;

    public Long getSizeBytes() { return sizeBytes; }
    public void setSizeBytes(Long sizeBytes) { this.sizeBytes = sizeBytes; }
    public String getSize() { return size; }
    public void setSize(String size) { this.size = size; }
    public Long getScans() { return scans; }
    public void setScans(Long scans) { this.scans = scans; }
    public String getCountingSince() { return countingSince; }
    public void setCountingSince(String countingSince) { this.countingSince = countingSince; }
    public String getLastUsed() { return lastUsed; }
    public void setLastUsed(String lastUsed) { this.lastUsed = lastUsed; }
    public String getUnusedSince() { return unusedSince; }
    public void setUnusedSince(String unusedSince) { this.unusedSince = unusedSince; }
    public String getEnforces() { return enforces; }
    public void setEnforces(String enforces) { this.enforces = enforces; }
    public String getFirstReadAt() { return firstReadAt; }
    public void setFirstReadAt(String firstReadAt) { this.firstReadAt = firstReadAt; }
    public String getReadAt() { return readAt; }
    public void setReadAt(String readAt) { this.readAt = readAt; }
    public List<String> getUnreadReplicas() { return unreadReplicas; }
    public void setUnreadReplicas(List<String> unreadReplicas) { this.unreadReplicas = unreadReplicas; }
    public List<UsageSource> getSources() { return sources; }
    public void setSources(List<UsageSource> sources) { this.sources = sources; }
}
