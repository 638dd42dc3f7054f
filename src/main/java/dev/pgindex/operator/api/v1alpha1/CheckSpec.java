package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Objects;

/** CHECK ( expression ). */
public class CheckSpec {
    @Required
    @Size(min = 1, max = 4096)
    @Pattern("\\S")
    @ValidationRule(value = Identifiers.SINGLE_EXPRESSION_RULE, message = Identifiers.SINGLE_EXPRESSION_MESSAGE)
    @JsonPropertyDescription("The boolean expression every row must satisfy, for example \"amount >= 0\"; a row "
            + "where it is NULL passes, as in PostgreSQL. Maps to CHECK ( expression ); the operator adds the "
            + "parentheses. One SQL expression only: " + Identifiers.SINGLE_EXPRESSION + " PostgreSQL checks it on "
            + "an empty temporary copy of the table before anything touches the real one; it must be immutable, as "
            + "PostgreSQL assumes a CHECK is (the same result for the same row: no now(), random() or function "
            + "with side effects), else the resource is Stalled with reason InvalidDefinition. The count of "
            + "violating rows runs in a read-only transaction.")
    private String expression;

    public String getExpression() { return expression; }
    public void setExpression(String expression) { this.expression = expression; }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckSpec c && Objects.equals(expression, c.expression);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(expression);
    }
}
