package dev.pgindex.operator.postgres;

import java.util.List;
import java.util.Optional;

/**
 * What one reconcile of a PostgresConstraint reads, in one monitor session: the server version, the tables, the
 * constraint by name with its ownership mark and whether it matches the spec, a NOT NULL column's state, a foreign
 * key's supporting index, and this resource's own session if one runs (a VALIDATE left by a previous process).
 *
 * @param tableOid        the table; null when it does not exist
 * @param partitioned     the table is partitioned (relkind p)
 * @param refTableOid     a foreign key's referenced table; null when it does not exist (or not a foreign key)
 * @param existing        the constraint named spec.name on the table, if any
 * @param columnNotNull   a NOT NULL's column is already NOT NULL (pg_attribute.attnotnull; on 18 also its NOT NULL
 *                        constraint validated, since attnotnull is true from ADD ... NOT VALID on); null when absent
 * @param notNullElsewhere PostgreSQL 18: the NOT NULL constraint of the column under another name, valid or not
 *                        (columnNotNull false: NOT VALID); PostgreSQL keeps at most one per column
 * @param supportingIndex a foreign key's valid index whose leading columns are the referencing columns
 * @param ourSession      a session of this resource still running a statement (after an operator restart)
 * @param sampleKey       the table's primary key columns (to name violating rows), empty when it has none
 * @param refused         a CHECK expression PostgreSQL refuses for a CHECK constraint (on the scratch copy of the
 *                        table), with its message; null when it takes it
 */
public record ConstraintObservation(int serverVersion, Long tableOid, boolean partitioned, Long refTableOid,
        Optional<Existing> existing, Boolean columnNotNull, String notNullElsewhere, String supportingIndex,
        Optional<Catalog.Backend> ourSession, List<String> sampleKey, SqlErrors.Failure refused) {

    /**
     * The constraint found by name: its kind letter (f, c, n), whether validated, how PostgreSQL prints it, the
     * mark (if any) and, when it differs from the spec, the difference in words (null when it matches).
     */
    public record Existing(long oid, char type, boolean validated, String definition, Optional<OwnershipMark> mark,
            String conflict) {
        public boolean matches() {
            return conflict == null;
        }
    }
}
