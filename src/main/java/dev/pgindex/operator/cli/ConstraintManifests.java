package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.CheckSpec;
import dev.pgindex.operator.api.v1alpha1.ForeignKeyMatch;
import dev.pgindex.operator.api.v1alpha1.ForeignKeySpec;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.NotNullSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import dev.pgindex.operator.api.v1alpha1.PostgresConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.ReferentialAction;
import dev.pgindex.operator.api.v1alpha1.TableRef;
import dev.pgindex.operator.postgres.ConstraintDefinition;
import dev.pgindex.operator.postgres.ConstraintListing;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.spec.ParsedConstraint;
import dev.pgindex.operator.spec.Windows;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PostgresConstraint manifests from the catalog's constraints (the inverse of the operator's ParsedConstraint), for
 * audit and import. What the API cannot express, or what the operator's own validation would refuse, is thrown as
 * {@link InvalidDefinitionException} with the reason. Only what differs from the CRD's defaults is written.
 */
final class ConstraintManifests {
    private static final String NOT_VALID = " NOT VALID";

    private ConstraintManifests() {
    }

    /** A spec and the definition the operator reads from it (every identifier and the expression checked). */
    record Built(PostgresConstraintSpec spec, ConstraintDefinition definition) {
    }

    /**
     * The spec for a constraint. {@code index}: the metadata.name of a PostgresIndex manifest that builds the
     * foreign key's supporting index, or null.
     */
    static Built build(ConstraintListing.Listed k, String secret, String index) {
        if (k.unsupported() != null) {
            throw new InvalidDefinitionException(k.unsupported() + ", which the API cannot express");
        }
        PostgresConstraintSpec spec = new PostgresConstraintSpec();
        spec.setConnection(Manifests.connection(secret));
        spec.setSchema(k.schema());
        spec.setTable(k.table());
        spec.setName(k.name());
        switch (k.type()) {
            case 'f' -> spec.setForeignKey(foreignKey(k, index));
            case 'c' -> {
                CheckSpec check = new CheckSpec();
                check.setExpression(checkExpression(k.definition()));
                spec.setCheck(check);
            }
            case 'n' -> {
                NotNullSpec n = new NotNullSpec();
                n.setColumn(k.columns().isEmpty() ? null : k.columns().get(0));
                spec.setNotNull(n);
            }
            default -> throw new InvalidDefinitionException("constraint type " + k.type() + " is not one the API has");
        }
        ConstraintDefinition d = ParsedConstraint.of(spec, Windows.NONE).definition();
        // the CRD's defaults, left out as in the index manifests
        spec.setReclaimPolicy(null);
        spec.setRecheckInterval(null);
        spec.setLockRetries(null);
        if (spec.getForeignKey() != null) {
            ForeignKeySpec fk = spec.getForeignKey();
            fk.setOnDelete(fk.getOnDelete() == ReferentialAction.NO_ACTION ? null : fk.getOnDelete());
            fk.setOnUpdate(fk.getOnUpdate() == ReferentialAction.NO_ACTION ? null : fk.getOnUpdate());
            fk.setMatch(fk.getMatch() == ForeignKeyMatch.SIMPLE ? null : fk.getMatch());
            fk.setDeferrable(fk.getDeferrable() ? Boolean.TRUE : null);
            fk.setInitiallyDeferred(fk.getInitiallyDeferred() ? Boolean.TRUE : null);
        }
        return new Built(spec, d);
    }

    private static ForeignKeySpec foreignKey(ConstraintListing.Listed k, String index) {
        ForeignKeySpec fk = new ForeignKeySpec();
        fk.setColumns(new ArrayList<>(k.columns()));
        TableRef to = new TableRef();
        to.setSchema(k.refSchema());
        to.setTable(k.refTable());
        to.setColumns(new ArrayList<>(k.refColumns()));
        fk.setReferences(to);
        fk.setOnDelete(action(k.onDelete()));
        fk.setOnUpdate(action(k.onUpdate()));
        fk.setMatch(Arrays.stream(ForeignKeyMatch.values()).filter(m -> m.catalogCode() == k.match()).findFirst()
                .orElseThrow(() -> new InvalidDefinitionException("MATCH type '" + k.match() + "' is not one the "
                        + "API has")));
        fk.setDeferrable(k.deferrable());
        fk.setInitiallyDeferred(k.deferred());
        fk.setIndex(index);
        return fk;
    }

    private static ReferentialAction action(char code) {
        return Arrays.stream(ReferentialAction.values()).filter(a -> a.catalogCode() == code).findFirst()
                .orElseThrow(() -> new InvalidDefinitionException("referential action '" + code + "' is not one the "
                        + "API has"));
    }

    /**
     * The expression inside pg_get_constraintdef's {@code CHECK (...)}, without a trailing NOT VALID, and without the
     * parentheses PostgreSQL prints around an operator expression ({@code CHECK ((amount >= 0))} gives
     * {@code amount >= 0}, as the index manifests' predicates read).
     */
    static String checkExpression(String definition) {
        String d = definition.endsWith(NOT_VALID) ? definition.substring(0, definition.length() - NOT_VALID.length())
                : definition;
        if (!d.startsWith("CHECK (") || !d.endsWith(")")) {
            throw new InvalidDefinitionException("PostgreSQL prints it as " + definition + ", not as CHECK (...)");
        }
        String e = d.substring("CHECK (".length(), d.length() - 1);
        return e.startsWith("(") && closing(e) == e.length() - 1 ? e.substring(1, e.length() - 1) : e;
    }

    /** Where the parenthesis that opens {@code e} closes (quotes respected); -1 when it never does. */
    private static int closing(String e) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < e.length(); i++) {
            char ch = e.charAt(i);
            if (quote != 0) {
                quote = ch == quote ? 0 : quote; // a doubled quote closes and reopens: the same depth
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * metadata.name of each constraint, the same every time: from the constraint name as for an index, with a hash
     * of schema.table.name appended when another table of the schema has a constraint of that name too (names are
     * unique per table only). Decided on the whole listing, so filters never change a name.
     */
    static Map<Long, String> resourceNames(List<ConstraintListing.Listed> all) {
        Map<String, Integer> uses = new HashMap<>();
        // a partition's copy of a constraint has its parent's name, and never a manifest of its own
        all.stream().filter(k -> !k.inherited()).forEach(k -> uses.merge(k.schema() + "." + k.name(), 1, Integer::sum));
        Map<Long, String> out = new HashMap<>();
        for (ConstraintListing.Listed k : all) {
            out.put(k.oid(), uses.getOrDefault(k.schema() + "." + k.name(), 1) == 1
                    ? Manifests.resourceName(k.schema(), k.name())
                    : Manifests.resourceName(k.schema(), k.name()) + "-"
                            + Manifests.hash(k.schema() + "." + k.table() + "." + k.name()));
        }
        return out;
    }

    /**
     * The first (by metadata.name) of the PostgresIndex manifests on the foreign key's table, without a predicate,
     * whose leading key columns are the foreign key's columns in any order (what the operator counts as a
     * supporting index); null when none.
     */
    static String supportingIndex(ConstraintListing.Listed fk, List<PostgresIndex> indexes) {
        Set<String> wanted = new HashSet<>(fk.columns());
        return indexes.stream().filter(i -> leads(i.getSpec(), fk, wanted)).map(i -> i.getMetadata().getName())
                .sorted().findFirst().orElse(null);
    }

    private static boolean leads(PostgresIndexSpec s, ConstraintListing.Listed fk, Set<String> wanted) {
        int n = wanted.size();
        if (!fk.schema().equals(s.getSchema()) || !fk.table().equals(s.getTable()) || s.getWhere() != null
                || s.getColumns().size() < n) {
            return false;
        }
        Set<String> leading = new HashSet<>();
        for (IndexColumn c : s.getColumns().subList(0, n)) {
            leading.add(c.getName());
        }
        return leading.equals(wanted);
    }

    static PostgresConstraint resource(String name, String namespace, PostgresConstraintSpec spec,
            ConstraintListing.Listed k) {
        PostgresConstraint r = new PostgresConstraint();
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name);
        if (namespace != null) {
            meta.withNamespace(namespace);
        }
        meta.withAnnotations(Map.of(Manifests.SOURCE_ANNOTATION, source(k)));
        r.setMetadata(meta.build());
        r.setSpec(spec);
        r.setStatus(null);
        return r;
    }

    /** The constraint as pg_get_constraintdef prints it, with its table and name, for the reviewer. */
    static String source(ConstraintListing.Listed k) {
        return k.schema() + "." + k.table() + " constraint " + k.name() + ": " + k.definition();
    }
}
