package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.postgres.ConstraintListing;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.OwnershipMark;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the foreign keys and CHECK constraints of a database into PostgresConstraint manifests that the operator
 * adopts. Each spec is proven first with the operator's own code: ParsedConstraint reads it as the operator reads a
 * resource, and ConstraintListing.mismatch compares the result with the constraint the way the operator decides
 * "same definition, adopt" (a CHECK through an empty temporary copy of the table). NOT NULL constraints (rows of
 * pg_constraint from PostgreSQL 18 on) are not imported: they belong to the columns.
 */
final class ConstraintImporter {
    /** A manifest for one constraint. */
    record Imported(ConstraintListing.Listed constraint, PostgresConstraint manifest) {
    }

    /** A constraint not imported; {@code covered} when its parent's manifest stands for it. */
    record Skipped(ConstraintListing.Listed constraint, String reason, boolean covered) {
    }

    record Result(List<Imported> imported, List<Skipped> skipped) {
    }

    /** Which constraints to look at, by schema, table and constraint name. */
    interface Filter {
        boolean test(String schema, String table, String name);
    }

    private ConstraintImporter() {
    }

    /** {@code indexes}: the PostgresIndex manifests of the same import, which a foreign key may name. */
    static Result run(Connection c, Filter filter, String secret, String namespace, List<PostgresIndex> indexes)
            throws SQLException {
        List<ConstraintListing.Listed> all = ConstraintListing.list(c).stream().filter(k -> k.type() != 'n').toList();
        Map<Long, String> names = ConstraintManifests.resourceNames(all);
        List<Imported> imported = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (ConstraintListing.Listed k : all) {
            if (!filter.test(k.schema(), k.table(), k.name())) {
                continue;
            }
            String reason = obstacle(k);
            if (reason != null) {
                skipped.add(new Skipped(k, reason, k.inherited()));
                continue;
            }
            try {
                ConstraintManifests.Built b = ConstraintManifests.build(k, secret,
                        k.type() == 'f' ? ConstraintManifests.supportingIndex(k, indexes) : null);
                String mismatch = ConstraintListing.mismatch(c, b.definition());
                if (mismatch != null) {
                    skipped.add(new Skipped(k, "no spec compares equal to it the way the operator compares: "
                            + mismatch, false));
                    continue;
                }
                imported.add(new Imported(k, ConstraintManifests.resource(names.get(k.oid()), namespace, b.spec(), k)));
            } catch (InvalidDefinitionException e) {
                skipped.add(new Skipped(k, e.getMessage(), false));
            }
        }
        return new Result(imported, skipped);
    }

    /** Why this constraint is not imported at all, before a spec is built; null when it may be. */
    static String obstacle(ConstraintListing.Listed k) {
        if (k.inherited()) {
            return "inherited from the parent table's constraint, whose manifest covers it";
        }
        Optional<OwnershipMark> mark = OwnershipMark.parse(k.comment());
        if (mark.isPresent()) {
            return "already managed by PostgresConstraint " + mark.get().resource() + " (its ownership mark)";
        }
        return null;
    }

    /** public.orders constraint orders_total_check: how a constraint is named in messages. */
    static String display(ConstraintListing.Listed k) {
        return k.schema() + "." + k.table() + " constraint " + k.name();
    }
}
