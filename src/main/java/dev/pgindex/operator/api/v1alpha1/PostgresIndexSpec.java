package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The desired index. Fields mirror CREATE INDEX. The fields that define the index are immutable: to change an index
 * that is already built, create a second PostgresIndex with a new spec.name, wait for it to be Ready, then delete
 * the first one (README, "Changing an index").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.schema == oldSelf.schema", fieldPath = ".schema", message = "schema is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "self.table == oldSelf.table", fieldPath = ".table", message = "table is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "self.name == oldSelf.name", fieldPath = ".name", message = "name is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "self.unique == oldSelf.unique", fieldPath = ".unique", message = "unique is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "self.method == oldSelf.method", fieldPath = ".method", message = "method is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "self.columns == oldSelf.columns", fieldPath = ".columns", message = "columns are immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.include) == has(oldSelf.include) && (!has(self.include) || self.include == oldSelf.include)",
        fieldPath = ".include", message = "include is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.where) == has(oldSelf.where) && (!has(self.where) || self.where == oldSelf.where)",
        fieldPath = ".where", message = "where is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.nullsNotDistinct) == has(oldSelf.nullsNotDistinct) && (!has(self.nullsNotDistinct) || self.nullsNotDistinct == oldSelf.nullsNotDistinct)",
        fieldPath = ".nullsNotDistinct", message = "nullsNotDistinct is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.storageParameters) == has(oldSelf.storageParameters) && (!has(self.storageParameters) || self.storageParameters == oldSelf.storageParameters)",
        fieldPath = ".storageParameters", message = "storageParameters are immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.tablespace) == has(oldSelf.tablespace) && (!has(self.tablespace) || self.tablespace == oldSelf.tablespace)",
        fieldPath = ".tablespace", message = "tablespace is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
@ValidationRule(value = "!self.unique || self.method == 'btree'", message = "unique indexes need method btree")
@ValidationRule(value = "!has(self.nullsNotDistinct) || !self.nullsNotDistinct || self.unique",
        message = "nullsNotDistinct needs unique: true")
@ValidationRule(value = "self.method != 'hash' || self.columns.size() == 1", message = "hash indexes take exactly one column")
@ValidationRule(value = "!has(self.include) || size(self.include) == 0 || self.method in ['btree', 'gist', 'spgist']",
        message = "include is supported by btree, gist and spgist only")
@ValidationRule(value = "self.method == 'btree' || self.columns.all(c, !has(c.order) && !has(c.nulls))",
        message = "order and nulls are supported by btree only")
@ValidationRule(value = "!has(self.constraint) || self.unique", fieldPath = ".constraint",
        message = "a constraint needs unique: true")
@ValidationRule(value = "!has(self.constraint) || !has(self.where)", fieldPath = ".constraint",
        message = "a constraint cannot use a partial index (where)")
@ValidationRule(value = "!has(self.constraint) || self.columns.all(c, has(c.name) && !has(c.order) && !has(c.nulls))",
        fieldPath = ".constraint",
        message = "a constraint needs plain column names with the default sort order (no expression, order or nulls)")
@ValidationRule(value = "!has(self.constraint) || !has(self.constraint.name) || self.constraint.name == self.name",
        fieldPath = ".constraint.name",
        message = "constraint.name must equal spec.name: PostgreSQL renames the index to the constraint's name")
@ValidationRule(value = "self.columns.all(c, !has(c.name) || self.columns.exists_one(d, has(d.name) && d.name == c.name))",
        fieldPath = ".columns", message = "a key column may appear once in columns")
@ValidationRule(value = "self.columns.all(c, !has(c.expression) || self.columns.exists_one(d, has(d.expression) && d.expression == c.expression))",
        fieldPath = ".columns", message = "a key expression may appear once in columns")
@ValidationRule(value = "!has(self.include) || self.include.all(i, !self.columns.exists(c, has(c.name) && c.name == i))",
        fieldPath = ".include", message = "include may not list a key column: it is in the index already")
@ValidationRule(value = "has(self.constraint) == has(oldSelf.constraint) && (!has(self.constraint) || self.constraint == oldSelf.constraint)",
        fieldPath = ".constraint", message = "constraint is immutable: " + PostgresIndexSpec.HOW_TO_CHANGE)
public class PostgresIndexSpec {
    static final String HOW_TO_CHANGE = "to change a built index, create a new PostgresIndex with another spec.name, "
            + "wait for Ready, then delete this one";

    @Required
    @JsonPropertyDescription("The database to connect to, through a Secret in the same namespace. This field may "
            + "change (for example to rotate credentials) but must keep pointing at the same database.")
    private ConnectionRef connection;

    @Default("public")
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @ValidationRule(value = "!self.startsWith('pg_') && self != 'information_schema'",
            message = "system schemas (pg_catalog, pg_toast, pg_temp_*, information_schema, any pg_* schema) hold "
                    + "no user tables and are never a target")
    @JsonPropertyDescription("Schema of the table; the index is created in the same schema. Maps to the schema part "
            + "of ON schema.table. Default public. System schemas (information_schema and every pg_* schema) are "
            + "rejected. Immutable. " + Identifiers.RULE)
    private String schema = "public";

    @Required
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("The table to index. Maps to ON table_name. Case-sensitive (always quoted). Immutable. "
            + Identifiers.RULE)
    private String table;

    @Required
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("The PostgreSQL index name, unique within the schema. Maps to CREATE INDEX name. "
            + "An existing valid index with this name and the same definition is adopted; one with another "
            + "definition or owned by another PostgresIndex is a conflict and is never touched. Immutable. "
            + Identifiers.RULE)
    private String name;

    @Default("false")
    @JsonPropertyDescription("Build a unique index. Maps to CREATE UNIQUE INDEX. Duplicate values make the build "
            + "fail: the resource becomes Stalled (reason UniqueViolation) and is retried with backoff until the "
            + "duplicates are gone. Immutable.")
    private Boolean unique = false;

    @Default("btree")
    @JsonPropertyDescription("Index access method: btree, hash, gist, spgist, gin or brin. Maps to USING method. "
            + "Default btree. Immutable.")
    private IndexMethod method = IndexMethod.BTREE;

    @Required
    @Size(min = 1, max = 32)
    @JsonPropertyDescription("Key columns, in order: each a column name or an expression. Maps to the column list "
            + "of CREATE INDEX. 1 to 32 entries; a column name or an expression may appear once. Immutable.")
    private List<IndexColumn> columns = new ArrayList<>();

    @Size(max = 32)
    @JsonPropertyDescription("Non-key columns stored in the index (covering index). Maps to INCLUDE ( column, ... ). "
            + "btree, gist and spgist only. Distinct column names, none of them a key column. Immutable. "
            + Identifiers.RULE)
    private List<String> include;

    @Size(min = 1, max = 4096)
    @Pattern("\\S")
    @ValidationRule(value = Identifiers.SINGLE_EXPRESSION_RULE, message = Identifiers.SINGLE_EXPRESSION_MESSAGE)
    @JsonPropertyDescription("Predicate of a partial index, for example \"deleted_at IS NULL\". Maps to WHERE "
            + "predicate; the operator adds parentheses. One SQL expression only. " + Identifiers.SINGLE_EXPRESSION
            + " Immutable.")
    private String where;

    @JsonPropertyDescription("Treat NULLs as equal in a unique index. Maps to NULLS NOT DISTINCT (PostgreSQL 15 "
            + "and later; older servers make the resource Stalled with reason UnsupportedFeature). Needs unique. "
            + "Immutable.")
    private Boolean nullsNotDistinct;

    @Size(max = 16)
    @ValidationRule(value = "self.all(k, size(k) <= 63 && k.matches('^[a-z_][a-z0-9_]*$'))",
            message = "storage parameter names are lower-case identifiers, for example fillfactor")
    @JsonPropertyDescription("Index storage parameters, for example {fillfactor: \"70\"} or {fastupdate: \"off\"}. "
            + "Maps to WITH ( name = value, ... ). Values are plain words or numbers (at most 64 characters). "
            + "Immutable.")
    private Map<String, String> storageParameters;

    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("Tablespace for the index. Maps to TABLESPACE name. Omitted means the database "
            + "default. Immutable. " + Identifiers.RULE)
    private String tablespace;

    @JsonPropertyDescription("Make the index back a table constraint once it is valid: ALTER TABLE ... ADD "
            + "CONSTRAINT name UNIQUE (or PRIMARY KEY) USING INDEX name, with a short lock_timeout and retries. "
            + "Needs unique: true, no where, and plain columns in default order. With reclaimPolicy Delete, "
            + "deleting the resource drops the constraint (and so the index); with Retain both stay. Immutable.")
    private ConstraintSpec constraint;

    @Size(min = 1, max = 63)
    @JsonPropertyDescription("Ask for an online rebuild: set or change this token (for example a date, "
            + "\"2026-11-25\") and the operator runs REINDEX INDEX CONCURRENTLY once for it, with progress like a "
            + "build, then records it in status.rebuiltToken. Leftovers of a failed rebuild (name_ccnew, "
            + "name_ccold) are dropped and the rebuild retried up to retryLimit. May change.")
    private String rebuild;

    @Default("Retain")
    @JsonPropertyDescription("What deleting this resource does to the index: Retain (default) leaves it in the "
            + "database and releases the ownership mark; Delete drops it with DROP INDEX CONCURRENTLY, but only if "
            + "this resource built it (an adopted index is never dropped).")
    private ReclaimPolicy reclaimPolicy = ReclaimPolicy.Retain;

    @Default("3")
    @Min(0)
    @Max(20)
    @JsonPropertyDescription("How many times a failed build (deadlock, cancel, lost connection, deadline) is cleaned "
            + "up and retried, with exponential backoff, before the resource is Stalled with reason "
            + "RetryLimitExceeded. Default 3. Raising it resumes a resource stalled that way.")
    private Integer retryLimit = 3;

    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @JsonPropertyDescription("Longest time one build may run, as a duration such as 30m or 6h; enforced by the "
            + "server (statement_timeout on the builder session), so it holds even if the operator restarts. A "
            + "build over the deadline is cancelled and counts as a failed attempt (reason BuildDeadlineExceeded). "
            + "Omitted means no deadline.")
    private String buildDeadline;

    @JsonPropertyDescription("When builds may start: maintenance windows (see README, \"When builds run\"). "
            + "Omitted: the operator's default windows, if any. May change at any time; a running build is never "
            + "interrupted by it.")
    private BuildSchedule schedule;

    @JsonPropertyDescription("What to do about sessions that block this resource's build: report them (default), "
            + "or cancel or terminate those that match the lists given, after a grace period. See README, \"When "
            + "builds run\".")
    private BlockingSessionsPolicy blockingSessions;

    @JsonPropertyDescription("The largest replication lag at which a build (and each partition leaf's build) may "
            + "start, as time and/or bytes, read on the primary; over it the resource waits with reason "
            + "WaitingForReplicaLag. Omitted: the operator's default (pgindex.replica-lag.*), if any. Needs pg_monitor "
            + "(or pg_read_all_stats) to read the lag.")
    private ReplicaLagLimit replicaLag;

    @JsonPropertyDescription("Settings of the builder session (maintenance_work_mem, "
            + "max_parallel_maintenance_workers) and the ANALYZE after a build. May change; applies to the next build.")
    private BuildSettings buildSettings;

    @JsonPropertyDescription("How usage is counted once the index is Ready (status.usage, the SIZE and UNUSED "
            + "columns): read replicas whose scans are added, and after how long without a scan the index is "
            + "reported unused. Omitted: the primary only, and the operator's default (pgindex.unused-after).")
    private UsageSpec usage;

    @JsonPropertyDescription("Checks once the index is Ready, and what heals it: collation drift, "
            + "verification with amcheck and bloat (docs/after-ready-health.md). May change at any time.")
    private HealthPolicy health;

    public ConnectionRef getConnection() { return connection; }
    public void setConnection(ConnectionRef connection) { this.connection = connection; }
    public String getSchema() { return schema; }
    public void setSchema(String schema) { this.schema = schema; }
    public String getTable() { return table; }
    public void setTable(String table) { this.table = table; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Boolean getUnique() { return unique; }
    public void setUnique(Boolean unique) { this.unique = unique; }
    public IndexMethod getMethod() { return method; }
    public void setMethod(IndexMethod method) { this.method = method; }
    public List<IndexColumn> getColumns() { return columns; }
    public void setColumns(List<IndexColumn> columns) { this.columns = columns; }
    public List<String> getInclude() { return include; }
    public void setInclude(List<String> include) { this.include = include; }
    public String getWhere() { return where; }
    public void setWhere(String where) { this.where = where; }
    public Boolean getNullsNotDistinct() { return nullsNotDistinct; }
    public void setNullsNotDistinct(Boolean nullsNotDistinct) { this.nullsNotDistinct = nullsNotDistinct; }
    public Map<String, String> getStorageParameters() { return storageParameters; }
    public void setStorageParameters(Map<String, String> storageParameters) {
        this.storageParameters = storageParameters == null ? null : new LinkedHashMap<>(storageParameters);
    }
    public String getTablespace() { return tablespace; }
    public void setTablespace(String tablespace) { this.tablespace = tablespace; }
    public String getRebuild() { return rebuild; }
    public void setRebuild(String rebuild) { this.rebuild = rebuild; }
    public ConstraintSpec getConstraint() { return constraint; }
    public void setConstraint(ConstraintSpec constraint) { this.constraint = constraint; }
    public ReclaimPolicy getReclaimPolicy() { return reclaimPolicy; }
    public void setReclaimPolicy(ReclaimPolicy reclaimPolicy) { this.reclaimPolicy = reclaimPolicy; }
    public Integer getRetryLimit() { return retryLimit; }
    public void setRetryLimit(Integer retryLimit) { this.retryLimit = retryLimit; }
    public String getBuildDeadline() { return buildDeadline; }
    public void setBuildDeadline(String buildDeadline) { this.buildDeadline = buildDeadline; }
    public BuildSchedule getSchedule() { return schedule; }
    public void setSchedule(BuildSchedule schedule) { this.schedule = schedule; }
    public BlockingSessionsPolicy getBlockingSessions() { return blockingSessions; }
    public void setBlockingSessions(BlockingSessionsPolicy blockingSessions) { this.blockingSessions = blockingSessions; }
    public ReplicaLagLimit getReplicaLag() { return replicaLag; }
    public void setReplicaLag(ReplicaLagLimit replicaLag) { this.replicaLag = replicaLag; }
    public BuildSettings getBuildSettings() { return buildSettings; }
    public void setBuildSettings(BuildSettings buildSettings) { this.buildSettings = buildSettings; }
    public UsageSpec getUsage() { return usage; }
    public void setUsage(UsageSpec usage) { this.usage = usage; }
    public HealthPolicy getHealth() { return health; }
    public void setHealth(HealthPolicy health) { this.health = health; }
}
