package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** For a partitioned table: how many leaf partitions have their index built and attached. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PartitionsInfo {
    @JsonPropertyDescription("Leaf partitions of the table (through sub-partitions).")
    private Integer total;
    @JsonPropertyDescription("Leaf partitions whose index is valid and attached to the parent index.")
    private Integer done;
    @JsonPropertyDescription("done/total, for kubectl get -o wide.")
    private String display;
    @JsonPropertyDescription("The partition being worked on.")
    private String current;

    public Integer getTotal() { return total; }
    public void setTotal(Integer total) { this.total = total; }
    public Integer getDone() { return done; }
    public void setDone(Integer done) { this.done = done; }
    public String getDisplay() { return display; }
    public void setDisplay(String display) { this.display = display; }
    public String getCurrent() { return current; }
    public void setCurrent(String current) { this.current = current; }
}
