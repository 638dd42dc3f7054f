package dev.pgindex.operator.spec;

import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.IndexMethod;
import dev.pgindex.operator.api.v1alpha1.NullsOrder;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.SortOrder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps the Kubernetes spec to the Kubernetes-free {@link IndexDefinition}, and parses durations. */
public final class Specs {
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Specs() {
    }

    public static IndexDefinition definition(PostgresIndexSpec spec) {
        if (spec == null) {
            throw new InvalidDefinitionException("spec is missing");
        }
        if (spec.getColumns() == null || spec.getColumns().isEmpty()) {
            throw new InvalidDefinitionException("spec.columns needs at least one column");
        }
        List<IndexDefinition.Column> cols = new ArrayList<>();
        for (IndexColumn c : spec.getColumns()) {
            if (c == null) {
                throw new InvalidDefinitionException("spec.columns has an empty entry");
            }
            cols.add(new IndexDefinition.Column(c.getName(), c.getExpression(),
                    c.getOrder() == null ? null : c.getOrder() == SortOrder.DESC,
                    c.getNulls() == null ? null : c.getNulls() == NullsOrder.FIRST,
                    c.getOpclass(), c.getCollation()));
        }
        if (spec.getWhere() != null && spec.getWhere().isBlank()) {
            throw new InvalidDefinitionException("where is blank: omit it for a full index, or give a predicate");
        }
        if (spec.getConstraint() != null) {
            if (!Boolean.TRUE.equals(spec.getUnique())) {
                throw new InvalidDefinitionException("a constraint needs unique: true");
            }
            if (spec.getWhere() != null) {
                throw new InvalidDefinitionException("a constraint cannot use a partial index (where)");
            }
            if (spec.getColumns().stream().anyMatch(c -> c.getName() == null || c.getOrder() != null
                    || c.getNulls() != null)) {
                throw new InvalidDefinitionException("a constraint needs plain column names with the default sort order");
            }
            if (spec.getConstraint().getName() != null && !spec.getConstraint().getName().equals(spec.getName())) {
                throw new InvalidDefinitionException("constraint.name must equal spec.name");
            }
        }
        IndexMethod method = spec.getMethod() == null ? IndexMethod.BTREE : spec.getMethod();
        return new IndexDefinition(spec.getSchema() == null ? "public" : spec.getSchema(), spec.getTable(),
                spec.getName(), Boolean.TRUE.equals(spec.getUnique()), method.sql(), cols, spec.getInclude(),
                spec.getWhere(), Boolean.TRUE.equals(spec.getNullsNotDistinct()),
                spec.getStorageParameters() == null ? null : new java.util.TreeMap<>(spec.getStorageParameters()),
                spec.getTablespace()).validate();
    }

    /** Parses Go-style durations such as 90s, 30m, 1h30m, 500ms; null or blank means none. */
    public static Duration duration(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = DURATION_PART.matcher(text.trim());
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new InvalidDefinitionException("'" + text + "' is not a duration such as 30m or 1h30m");
            }
            try {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                });
            } catch (NumberFormatException | ArithmeticException e) {
                throw new InvalidDefinitionException("'" + text + "' is too long a duration");
            }
            end = m.end();
        }
        if (end != text.trim().length() || end == 0) {
            throw new InvalidDefinitionException("'" + text + "' is not a duration such as 30m or 1h30m");
        }
        return d;
    }
}
