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

/**
 * The desired constraint: exactly one of foreignKey, check and notNull. The fields that define it are immutable: to
 * change a constraint, create a second PostgresConstraint with a new spec.name, wait for Ready, delete the first.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.foreignKey) ? 1 : 0) + (has(self.check) ? 1 : 0) + (has(self.notNull) ? 1 : 0) == 1",
        message = "exactly one of foreignKey, check and notNull")
@ValidationRule(value = "self.schema == oldSelf.schema", fieldPath = ".schema",
        message = "schema is immutable: " + PostgresConstraintSpec.HOW_TO_CHANGE)
@ValidationRule(value = "self.table == oldSelf.table", fieldPath = ".table",
        message = "table is immutable: " + PostgresConstraintSpec.HOW_TO_CHANGE)
@ValidationRule(value = "self.name == oldSelf.name", fieldPath = ".name",
        message = "name is immutable: " + PostgresConstraintSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.foreignKey) == has(oldSelf.foreignKey) && (!has(self.foreignKey) "
        + "|| self.foreignKey == oldSelf.foreignKey)", fieldPath = ".foreignKey",
        message = "foreignKey is immutable: " + PostgresConstraintSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.check) == has(oldSelf.check) && (!has(self.check) || self.check == oldSelf.check)",
        fieldPath = ".check", message = "check is immutable: " + PostgresConstraintSpec.HOW_TO_CHANGE)
@ValidationRule(value = "has(self.notNull) == has(oldSelf.notNull) && (!has(self.notNull) "
        + "|| self.notNull == oldSelf.notNull)", fieldPath = ".notNull",
        message = "notNull is immutable: " + PostgresConstraintSpec.HOW_TO_CHANGE)
public class PostgresConstraintSpec {
    static final String HOW_TO_CHANGE = "to change a constraint, create a new PostgresConstraint with another "
            + "spec.name, wait for Ready, then delete this one";

    @Required
    @JsonPropertyDescription("The database to connect to, through a Secret in the same namespace (as for a "
            + "PostgresIndex). May change, for example to rotate credentials, but must keep pointing at the same "
            + "database.")
    private ConnectionRef connection;

    @Default("public")
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @ValidationRule(value = "!self.startsWith('pg_') && self != 'information_schema'",
            message = "system schemas (information_schema and every pg_* schema) hold no user tables")
    @JsonPropertyDescription("Schema of the table. Maps to ALTER TABLE schema.table. Default public. Immutable. "
            + Identifiers.RULE)
    private String schema = "public";

    @Required
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("The table that gets the constraint (for a foreign key: the referencing table). Maps "
            + "to ALTER TABLE table. Case-sensitive (always quoted). Immutable. " + Identifiers.RULE)
    private String table;

    @Required
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("The PostgreSQL constraint name, unique on the table. Maps to ADD CONSTRAINT name. An "
            + "existing constraint with this name and the same definition is adopted (and validated if it is NOT "
            + "VALID); one with another definition, or owned by another resource, is a conflict and is never "
            + "touched. Immutable. " + Identifiers.RULE)
    private String name;

    @JsonPropertyDescription("A foreign key: FOREIGN KEY ( columns ) REFERENCES table ( columns ). Immutable.")
    private ForeignKeySpec foreignKey;

    @JsonPropertyDescription("A CHECK constraint: CHECK ( expression ). Immutable.")
    private CheckSpec check;

    @JsonPropertyDescription("A NOT NULL on one column. Immutable.")
    private NotNullSpec notNull;

    @Default("Retain")
    @JsonPropertyDescription("What deleting this resource does to the constraint: Retain (default) leaves it and "
            + "releases the ownership mark; Delete drops it (ALTER TABLE ... DROP CONSTRAINT under a short "
            + "lock_timeout, retried), but only if this resource added it: an adopted constraint is never dropped.")
    private ReclaimPolicy reclaimPolicy = ReclaimPolicy.Retain;

    @Default("5m")
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @JsonPropertyDescription("How often rows that violate the constraint are counted again while there are any "
            + "(the resource is Stalled with reason ViolationsFound meanwhile), as a duration such as 30s or 1h. "
            + "Default 5m.")
    private String recheckInterval = "5m";

    @Default("10")
    @Min(0)
    @Max(100)
    @JsonPropertyDescription("How many times in a row ADD CONSTRAINT ... NOT VALID (or another short-lock step) may "
            + "give up on its lock_timeout and be retried with backoff before the resource is Stalled with reason "
            + "LockTimeout naming the sessions in the way; it is then retried on the slow backoff. Default 10.")
    private Integer lockRetries = 10;

    @JsonPropertyDescription("When VALIDATE CONSTRAINT may start: the maintenance windows of a PostgresIndex (see "
            + "its spec.schedule). The short-lock steps and the count of violating rows run at any time.")
    private BuildSchedule schedule;

    public ConnectionRef getConnection() { return connection; }
    public void setConnection(ConnectionRef connection) { this.connection = connection; }
    public String getSchema() { return schema; }
    public void setSchema(String schema) { this.schema = schema; }
    public String getTable() { return table; }
    public void setTable(String table) { this.table = table; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public ForeignKeySpec getForeignKey() { return foreignKey; }
    public void setForeignKey(ForeignKeySpec foreignKey) { this.foreignKey = foreignKey; }
    public CheckSpec getCheck() { return check; }
    public void setCheck(CheckSpec check) { this.check = check; }
    public NotNullSpec getNotNull() { return notNull; }
    public void setNotNull(NotNullSpec notNull) { this.notNull = notNull; }
    public ReclaimPolicy getReclaimPolicy() { return reclaimPolicy; }
    public void setReclaimPolicy(ReclaimPolicy reclaimPolicy) { this.reclaimPolicy = reclaimPolicy; }
    public String getRecheckInterval() { return recheckInterval; }
    public void setRecheckInterval(String recheckInterval) { this.recheckInterval = recheckInterval; }
    public Integer getLockRetries() { return lockRetries; }
    public void setLockRetries(Integer lockRetries) { this.lockRetries = lockRetries; }
    public BuildSchedule getSchedule() { return schedule; }
    public void setSchedule(BuildSchedule schedule) { this.schedule = schedule; }

    /** Which kind this spec holds (null when none is set, which admission refuses). */
    public ConstraintKind kind() {
        return foreignKey != null ? ConstraintKind.ForeignKey : check != null ? ConstraintKind.Check
                : notNull != null ? ConstraintKind.NotNull : null;
    }
}
