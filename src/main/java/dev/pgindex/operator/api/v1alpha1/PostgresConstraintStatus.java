package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** Observed state of a PostgresConstraint. Conditions are the contract; the rest are facts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresConstraintStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready, Reconciling and Stalled (kstatus). Ready is True only when PostgreSQL holds "
            + "the constraint as validated (pg_constraint.convalidated); a NOT VALID constraint is Reconciling, "
            + "never forgotten.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("ForeignKey, Check or NotNull: which of the spec's kinds this is.")
    private ConstraintKind kind;

    @JsonPropertyDescription("Where the online protocol is: Preflight, AddNotValid, Validate, SetNotNull, "
            + "DropHelper, Done or Deleting.")
    private ConstraintStep step;

    @JsonPropertyDescription("The constraint as PostgreSQL prints it (pg_get_constraintdef), once it exists.")
    private String definition;

    @JsonPropertyDescription("Whether PostgreSQL holds the constraint as validated (convalidated).")
    private Boolean validated;

    @JsonPropertyDescription("True when the constraint existed before and was claimed, never added: such a "
            + "constraint is never dropped by the operator.")
    private Boolean adopted;

    @JsonPropertyDescription("The latest count of rows that violate the constraint, with a sample of them.")
    private ViolationsInfo violations;

    @JsonPropertyDescription("A foreign key's index on the referencing columns: where it was found, or that there "
            + "is none.")
    private SupportingIndexInfo supportingIndex;

    @JsonPropertyDescription("The latest VALIDATE CONSTRAINT: its session, start and end.")
    private ValidationInfo validation;

    @JsonPropertyDescription("The latest failure; cleared when the constraint becomes Ready.")
    private ErrorInfo lastError;

    @JsonPropertyDescription("When the operator will try again after a failure or look for violations again "
            + "(RFC 3339).")
    private String nextAttemptAt;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public ConstraintKind getKind() { return kind; }
    public void setKind(ConstraintKind kind) { this.kind = kind; }
    public ConstraintStep getStep() { return step; }
    public void setStep(ConstraintStep step) { this.step = step; }
    public String getDefinition() { return definition; }
    public void setDefinition(String definition) { this.definition = definition; }
    public Boolean getValidated() { return validated; }
    public void setValidated(Boolean validated) { this.validated = validated; }
    public Boolean getAdopted() { return adopted; }
    public void setAdopted(Boolean adopted) { this.adopted = adopted; }
    public ViolationsInfo getViolations() { return violations; }
    public void setViolations(ViolationsInfo violations) { this.violations = violations; }
    public SupportingIndexInfo getSupportingIndex() { return supportingIndex; }
    public void setSupportingIndex(SupportingIndexInfo supportingIndex) { this.supportingIndex = supportingIndex; }
    public ValidationInfo getValidation() { return validation; }
    public void setValidation(ValidationInfo validation) { this.validation = validation; }
    public ErrorInfo getLastError() { return lastError; }
    public void setLastError(ErrorInfo lastError) { this.lastError = lastError; }
    public String getNextAttemptAt() { return nextAttemptAt; }
    public void setNextAttemptAt(String nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; }
}
