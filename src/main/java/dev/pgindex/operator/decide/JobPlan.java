package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.IndexDefinition;

/**
 * One long job as decided: what runs, on which table; how it is reported is its {@link JobKind}'s.
 *
 * @param kind           what kind of job, with every policy that differs by kind
 * @param jobDef         the index the statement works on (the index itself, or the index of one partition)
 * @param target         the index name the statement works on (the index, a partition's index, or a leftover)
 * @param tableOid       the table (for the per-table lock and the database's build slots)
 * @param indexOid       the index a DROP removes or a read looks at (null for builds: their OID is pinned at the
 *                       first look after)
 * @param sql            the statement
 * @param followUp       the ownership COMMENT that runs on the same session after a successful build, or null
 * @param deadlineMillis statement_timeout of the builder session (0: none)
 */
public record JobPlan(JobKind kind, IndexDefinition jobDef, String target, long tableOid, Long indexOid, String sql,
        String followUp, long deadlineMillis) {

    public Reason reason() {
        return kind.reason();
    }

    /** schema.name of the index the statement works on. */
    public String qualifiedTarget() {
        return jobDef.schema() + "." + target;
    }
}
