package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The largest replication lag at which a build may start (spec.replicaLag). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.maxLag) || has(self.maxBytes)", message = "replicaLag needs maxLag, maxBytes or both")
public class ReplicaLagLimit {
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @JsonPropertyDescription("Largest replay lag of any standby, as a duration such as 30s or 5m, read on the primary "
            + "from pg_stat_replication.replay_lag (PostgreSQL's own measure; it is empty while a standby is idle "
            + "and caught up).")
    private String maxLag;

    @Pattern("^[0-9]+(Ki|Mi|Gi|Ti)?$")
    @JsonPropertyDescription("Largest amount of WAL any standby has not replayed yet (pg_stat_replication: "
            + "pg_current_wal_lsn() - replay_lsn) or any replication slot retains (pg_replication_slots.restart_lsn), "
            + "in bytes or with a binary suffix: 512Mi, 2Gi.")
    private String maxBytes;

    public String getMaxLag() { return maxLag; }
    public void setMaxLag(String maxLag) { this.maxLag = maxLag; }
    public String getMaxBytes() { return maxBytes; }
    public void setMaxBytes(String maxBytes) { this.maxBytes = maxBytes; }
}
