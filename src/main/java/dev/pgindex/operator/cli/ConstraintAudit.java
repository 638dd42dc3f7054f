package dev.pgindex.operator.cli;

import dev.pgindex.operator.api.v1alpha1.PostgresConstraint;
import dev.pgindex.operator.postgres.ConstraintListing;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import dev.pgindex.operator.postgres.OwnershipMark;
import dev.pgindex.operator.postgres.Quoting;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit's constraint check: constraints left NOT VALID (pg_constraint.convalidated false), which PostgreSQL
 * enforces on new and updated rows but never checked on the rows already there. Read inside the audit's READ ONLY
 * transaction; the manifests are built as import builds them, without import's comparison on a scratch table (which
 * a read-only transaction cannot create), so they are not proven here.
 */
final class ConstraintAudit {
    static final String CHECK = "not-valid-constraint";

    private ConstraintAudit() {
    }

    /**
     * One finding per NOT VALID constraint (a partition's inherited copy is judged through its parent's).
     * {@code fkIndexes}: schema.table.constraint of an unindexed foreign key to the metadata.name of the
     * PostgresIndex manifest the audit proposes for it, which the PostgresConstraint manifest names.
     */
    static List<Audit.Finding> notValid(Connection c, String secret, String namespace, Map<String, String> fkIndexes)
            throws SQLException {
        List<ConstraintListing.Listed> all = ConstraintListing.list(c);
        Map<Long, String> names = ConstraintManifests.resourceNames(all);
        List<Audit.Finding> out = new ArrayList<>();
        for (ConstraintListing.Listed k : all) {
            if (k.validated() || k.inherited()) {
                continue;
            }
            Optional<OwnershipMark> mark = OwnershipMark.parse(k.comment());
            String owner = mark.map(OwnershipMark::resource).orElse(null);
            String detail = k.kindWords() + " left NOT VALID, " + k.definition() + ": PostgreSQL checks new and "
                    + "updated rows, the rows already there were never checked; " + (owner != null
                    ? "owned by PostgresConstraint " + owner + (mark.get().adopted() ? " (adopted)" : "")
                    : "not owned by a PostgresConstraint");
            String fix;
            PostgresConstraint manifest = null;
            if (owner != null) {
                fix = "nothing: PostgresConstraint " + owner + " validates it (kubectl get pgconstraint shows its "
                        + "step and any violating rows)";
            } else {
                try {
                    ConstraintManifests.Built b = ConstraintManifests.build(k, secret,
                            fkIndexes.get(k.schema() + "." + k.table() + "." + k.name()));
                    manifest = ConstraintManifests.resource(names.get(k.oid()), namespace, b.spec(), k);
                    fix = "declare it as a PostgresConstraint (kubectl pgindex audit -o yaml): the operator adopts "
                            + "it, counts the violating rows, then validates it online";
                } catch (InvalidDefinitionException e) {
                    fix = "the API cannot declare it (" + e.getMessage() + "): ALTER TABLE "
                            + Quoting.qualified(k.schema(), k.table()) + " VALIDATE CONSTRAINT " + Quoting.ident(k.name())
                            + " once no row violates it (reads and writes go on meanwhile)";
                }
            }
            out.add(new Audit.Finding(CHECK, k.schema(), k.table(), null, detail, fix, manifest,
                    new Audit.Constraint(k.name(), k.kindWords(), k.definition(), owner)));
        }
        return out;
    }
}
