package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Objects;

/** One key column of the index: a column name or an expression, with its options. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.name) != has(self.expression)",
        message = "each column needs exactly one of 'name' or 'expression'")
public class IndexColumn {
    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("A table column, quoted exactly as written (case-sensitive). Maps to a column_name in "
            + "the column list of CREATE INDEX. " + Identifiers.RULE)
    private String name;

    @Size(min = 1, max = 1024)
    @ValidationRule(value = Identifiers.SINGLE_EXPRESSION_RULE, message = Identifiers.SINGLE_EXPRESSION_MESSAGE)
    @JsonPropertyDescription("An expression over the table's columns, for example 'lower(email)'. Maps to "
            + "'( expression )' in the column list of CREATE INDEX; the operator adds the parentheses. It must be a "
            + "single SQL expression. " + Identifiers.SINGLE_EXPRESSION + " PostgreSQL then checks it (columns "
            + "exist, functions IMMUTABLE) before the real build starts.")
    private String expression;

    @JsonPropertyDescription("Sort order, ASC or DESC (btree only). Maps to ASC | DESC. Omitted means ASC.")
    private SortOrder order;

    @JsonPropertyDescription("Where NULLs sort, FIRST or LAST (btree only). Maps to NULLS { FIRST | LAST }. "
            + "Omitted means the PostgreSQL default (LAST for ASC, FIRST for DESC).")
    private NullsOrder nulls;

    @Size(min = 1, max = 63)
    @Pattern(Identifiers.PATTERN)
    @JsonPropertyDescription("Operator class, for example text_pattern_ops or jsonb_path_ops. Maps to the opclass "
            + "of the column. Omitted means the type's default operator class.")
    private String opclass;

    @Size(min = 1, max = 63)
    @Pattern(Identifiers.COLLATION_PATTERN)
    @JsonPropertyDescription("Collation, for example C or en_US (quoted, so case-sensitive). Maps to COLLATE "
            + "collation. Omitted means the column's collation.")
    private String collation;

    public IndexColumn() {
    }

    public static IndexColumn named(String name) {
        IndexColumn c = new IndexColumn();
        c.setName(name);
        return c;
    }

    public static IndexColumn expression(String expression) {
        IndexColumn c = new IndexColumn();
        c.setExpression(expression);
        return c;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getExpression() { return expression; }
    public void setExpression(String expression) { this.expression = expression; }
    public SortOrder getOrder() { return order; }
    public void setOrder(SortOrder order) { this.order = order; }
    public NullsOrder getNulls() { return nulls; }
    public void setNulls(NullsOrder nulls) { this.nulls = nulls; }
    public String getOpclass() { return opclass; }
    public void setOpclass(String opclass) { this.opclass = opclass; }
    public String getCollation() { return collation; }
    public void setCollation(String collation) { this.collation = collation; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof IndexColumn c)) return false;
        return Objects.equals(name, c.name) && Objects.equals(expression, c.expression) && order == c.order
                && nulls == c.nulls && Objects.equals(opclass, c.opclass) && Objects.equals(collation, c.collation);
    }

    @Override
    public int hashCode() { return Objects.hash(name, expression, order, nulls, opclass, collation); }
}
