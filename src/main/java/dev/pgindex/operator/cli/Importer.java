package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.Catalog;
import dev.pgindex.operator.postgres.IndexCatalog;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.IndexInspector;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.spec.Specs;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Turns the existing indexes of a database into PostgresIndex manifests that the operator adopts. Each spec is
 * proven before it is written, with the operator's own code: the spec goes through Specs.definition (what the
 * operator reads from the resource) and IndexInspector.mismatch (how it decides "same definition, adopt" against
 * DefinitionConflict), on the same server. What does not compare equal is listed with the reason, never written.
 */
final class Importer {
    /** A manifest for one index. */
    record Imported(IndexCatalog.Listed index, PostgresIndex manifest) {
    }

    /** An index not imported; {@code covered} when another manifest takes care of it (a partition's index). */
    record Skipped(IndexCatalog.Listed index, String reason, boolean covered) {
    }

    record Result(List<Imported> imported, List<Skipped> skipped) {
    }

    private Importer() {
    }

    static Result run(Connection c, Predicate<IndexCatalog.Listed> filter, String secret,
            String namespace, boolean constraints) throws SQLException {
        List<Imported> imported = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (IndexCatalog.Listed i : IndexCatalog.list(c)) {
            if (!filter.test(i)) {
                continue;
            }
            String reason = obstacle(i);
            if (reason == null && !constraints && i.constraintType() != null) {
                reason = "backs constraint " + i.constraintName() + " (--no-constraints)";
            }
            if (reason != null) {
                skipped.add(new Skipped(i, reason, i.attachedTo() != null));
                continue;
            }
            try {
                PostgresIndexSpec spec = provenSpec(c, i, secret, constraints);
                imported.add(new Imported(i, Manifests.resource(Manifests.resourceName(i.schema(), i.name()),
                        namespace, spec, i.definition())));
            } catch (IndexCatalog.Unsupported | InvalidDefinitionException e) {
                skipped.add(new Skipped(i, e.getMessage(), false));
            }
        }
        return new Result(imported, skipped);
    }

    /** Why this index is not imported at all, before its definition is read; null when it may be. */
    static String obstacle(IndexCatalog.Listed i) {
        if (i.attachedTo() != null) {
            return "a partition's index, attached to " + i.attachedTo() + ": the manifest of that partitioned index "
                    + "covers it";
        }
        Optional<OwnershipMark> mark = OwnershipMark.parse(i.comment());
        if (mark.isPresent()) {
            return "already managed by PostgresIndex " + mark.get().resource() + " (its ownership mark)";
        }
        if (!i.valid()) {
            return "INVALID (what a failed CREATE INDEX CONCURRENTLY leaves): the operator would refuse it "
                    + "(InvalidIndexNotOwned); repair it with REINDEX INDEX CONCURRENTLY or drop it, see kubectl "
                    + "pgindex audit";
        }
        if (i.constraintType() != null && i.constraintType() == 'x') {
            return "it backs the exclusion constraint " + i.constraintName() + ", which the API cannot express";
        }
        if (i.constraintDeferrable()) {
            return "it backs the DEFERRABLE constraint " + i.constraintName() + "; the API cannot express "
                    + "DEFERRABLE";
        }
        return null;
    }

    /**
     * The spec for an index, tried first in its short form (default operator classes and collations left out),
     * then with every one named; thrown as Unsupported when neither compares equal.
     */
    static PostgresIndexSpec provenSpec(Connection c, IndexCatalog.Listed i, String secret,
            boolean constraints) throws SQLException, IndexCatalog.Unsupported {
        Catalog.IndexState state = Catalog.findIndex(c, i.schema(), i.name())
                .orElseThrow(() -> new SQLException("index " + i.schema() + "." + i.name() + " vanished", "42704"));
        Character constraint = constraints && i.constraintType() != null && i.tableRelkind() != 'p'
                && i.name().equals(i.constraintName()) ? i.constraintType() : null;
        String mismatch = null;
        for (boolean explicit : new boolean[] {false, true}) {
            IndexDefinition d = IndexCatalog.definition(c, i.oid(), i.schema(), i.table(), i.name(), explicit);
            PostgresIndexSpec spec = Manifests.spec(d.validate(), secret, constraint);
            IndexDefinition asOperatorReadsIt = Specs.definition(spec);
            try {
                mismatch = IndexInspector.mismatch(c, state, asOperatorReadsIt);
            } catch (SQLException e) {
                mismatch = "PostgreSQL refused the candidate built from the spec: " + e.getMessage();
            }
            if (mismatch == null) {
                return spec;
            }
        }
        throw new IndexCatalog.Unsupported("no spec compares equal to it the way the operator compares: " + mismatch);
    }
}
