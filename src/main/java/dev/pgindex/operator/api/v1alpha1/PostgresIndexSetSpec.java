package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** An index template and where it goes: databases (connection Secrets) x schemas, rolled out at a safe pace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.template.name != oldSelf.template.name || ("
        + "self.template.table == oldSelf.template.table && self.template.unique == oldSelf.template.unique "
        + "&& self.template.method == oldSelf.template.method && self.template.columns == oldSelf.template.columns "
        + "&& has(self.template.include) == has(oldSelf.template.include) "
        + "&& (!has(self.template.include) || self.template.include == oldSelf.template.include) "
        + "&& has(self.template.where) == has(oldSelf.template.where) "
        + "&& (!has(self.template.where) || self.template.where == oldSelf.template.where) "
        + "&& has(self.template.nullsNotDistinct) == has(oldSelf.template.nullsNotDistinct) "
        + "&& (!has(self.template.nullsNotDistinct) || self.template.nullsNotDistinct == oldSelf.template.nullsNotDistinct) "
        + "&& has(self.template.storageParameters) == has(oldSelf.template.storageParameters) "
        + "&& (!has(self.template.storageParameters) || self.template.storageParameters == oldSelf.template.storageParameters) "
        + "&& has(self.template.tablespace) == has(oldSelf.template.tablespace) "
        + "&& (!has(self.template.tablespace) || self.template.tablespace == oldSelf.template.tablespace) "
        + "&& has(self.template.constraint) == has(oldSelf.template.constraint) "
        + "&& (!has(self.template.constraint) || self.template.constraint == oldSelf.template.constraint))",
        fieldPath = ".template.name",
        message = "changing the index definition needs a new template.name: the set builds the new index next to "
                + "the old one in every target and removes the old one once the new one is Ready")
public class PostgresIndexSetSpec {
    @Required
    @JsonPropertyDescription("The index to build in every target: the fields of a PostgresIndex spec except "
            + "connection and schema, which come from each target. reclaimPolicy, retryLimit, buildDeadline and "
            + "rebuild may change in place (every child follows). Any other change needs a new name: each target "
            + "then gets the new index next to the old one, and the old one's PostgresIndex is deleted once the "
            + "new one is Ready (with reclaimPolicy Delete that drops the old index).")
    private IndexTemplate template;

    @Required
    @JsonPropertyDescription("The databases: connection Secrets in this namespace, named and/or selected by label.")
    private SetDatabases databases;

    @JsonPropertyDescription("The schemas in each database: a list and/or a pattern matched against the schemas "
            + "that exist. Omitted means the public schema only.")
    private SetSchemas schemas;

    @JsonPropertyDescription("How fast the index spreads over the targets: canary, builds in flight, failure "
            + "budget.")
    private RolloutSpec rollout;

    public IndexTemplate getTemplate() { return template; }
    public void setTemplate(IndexTemplate template) { this.template = template; }
    public SetDatabases getDatabases() { return databases; }
    public void setDatabases(SetDatabases databases) { this.databases = databases; }
    public SetSchemas getSchemas() { return schemas; }
    public void setSchemas(SetSchemas schemas) { this.schemas = schemas; }
    public RolloutSpec getRollout() { return rollout; }
    public void setRollout(RolloutSpec rollout) { this.rollout = rollout; }
}
