package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The ANALYZE that followed a build (spec.buildSettings.analyze). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalyzeInfo {
    @JsonPropertyDescription("status.build.startedAt of the build it followed.")
    private String forBuild;

    @JsonPropertyDescription("When it ran (RFC 3339).")
    private String at;

    @JsonPropertyDescription("\"analyzed public.t\", or why it did not (for example the lock_timeout ran out).")
    private String result;

    public String getForBuild() { return forBuild; }
    public void setForBuild(String forBuild) { this.forBuild = forBuild; }
    public String getAt() { return at; }
    public void setAt(String at) { this.at = at; }
    public String getResult() { return result; }
    public void setResult(String result) { this.result = result; }
}
