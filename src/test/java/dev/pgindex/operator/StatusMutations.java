package dev.pgindex.operator;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.List;
import java.util.Set;

/**
 * What counts as changing a PostgresIndex's status, for {@link ArchitectureTest#onlyTheDraftChangesTheStatus}: a
 * {@code set*} call on the status or one of its nested types, or a call that mutates a list on the same line as a
 * getter of one of them returning it ({@code st.getConditions().add(c)}, {@code g.getNotEnded().clear()}); a list
 * copied first ({@code new ArrayList<>(st.getBlockers())}) and changed on a later line is a copy, not the status.
 */
final class StatusMutations extends ArchCondition<JavaClass> {
    /**
     * PostgresIndex's and PostgresConstraint's status and every type nested in them (api/v1alpha1), and their
     * conditions' type.
     */
    static final Set<String> STATUS_TYPES = Set.of("PostgresIndexStatus", "ErrorInfo", "ProgressInfo",
            "GuardStatus", "HealthStatus", "BuildInfo", "IndexInfo", "PartitionsInfo", "ConstraintStatus",
            "BlockerInfo", "AnalyzeInfo", "BloatStatus", "UsageStatus", "UsageSource", "VerificationStatus",
            "CollationVersion", "PostgresConstraintStatus", "ViolationsInfo", "SupportingIndexInfo",
            "ValidationInfo").stream().map(n -> "dev.pgindex.operator.api.v1alpha1." + n)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    static final String CONDITION = "io.fabric8.kubernetes.api.model.Condition";
    private static final Set<String> LIST_MUTATORS = Set.of("add", "addAll", "remove", "removeAll", "removeIf",
            "retainAll", "set", "clear", "sort", "replaceAll");

    StatusMutations() {
        super("not change a PostgresIndex's or PostgresConstraint's status (no set* call on their status, a type "
                + "nested in it or a Condition, and no list of theirs changed in place)");
    }

    @Override
    public void check(JavaClass c, ConditionEvents events) {
        for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
            String owner = call.getTargetOwner().getName();
            boolean statusType = STATUS_TYPES.contains(owner) || CONDITION.equals(owner);
            if (statusType && call.getName().startsWith("set")) {
                events.add(SimpleConditionEvent.violated(call, call.getDescription()));
            } else if (isListMutator(call) && listOfStatusOnSameLine(call)) {
                events.add(SimpleConditionEvent.violated(call, call.getDescription()
                        + " (a list of the status changed in place)"));
            }
        }
    }

    private static boolean isListMutator(JavaMethodCall call) {
        JavaClass owner = call.getTargetOwner();
        return LIST_MUTATORS.contains(call.getName())
                && (owner.isAssignableTo(java.util.Collection.class) || owner.isEquivalentTo(java.util.List.class));
    }

    private static boolean listOfStatusOnSameLine(JavaMethodCall mutation) {
        JavaCodeUnit unit = mutation.getOrigin();
        List<JavaCall<?>> calls = List.copyOf(unit.getCallsFromSelf());
        return calls.stream().anyMatch(c -> c.getLineNumber() == mutation.getLineNumber()
                && c.getName().startsWith("get") && STATUS_TYPES.contains(c.getTargetOwner().getName())
                && c.getTarget().getRawReturnType().isAssignableTo(java.util.Collection.class));
    }
}
