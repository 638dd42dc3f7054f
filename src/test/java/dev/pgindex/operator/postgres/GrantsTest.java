package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The grants model, pure: which privilege each feature needs on which version, and the exact SQL printed. */
class GrantsTest {
    static Grants.Table orders(Feature... f) {
        return new Grants.Table("public", "orders", "app", EnumSet.of(f[0], f));
    }

    static List<String> sql(int version, Set<Feature> global, Grants.Table... tables) {
        Grants.Request r = new Grants.Request("pgindex_operator", "shop", version, global, List.of(tables), "public",
                "public");
        return Grants.plan(r).stream().map(g -> Grants.sql(g.privilege(), "pgindex_operator", version)).toList();
    }

    @Test
    void buildNeedsOwnershipCreateOnTheSchemaAndTemporaryOnEveryVersion() {
        assertThat(sql(15, Set.of(), orders(Feature.BUILD))).containsExactly(
                "CREATE ROLE \"pgindex_operator\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                        + "INHERIT;",
                "GRANT CONNECT ON DATABASE \"shop\" TO \"pgindex_operator\";",
                "GRANT TEMPORARY ON DATABASE \"shop\" TO \"pgindex_operator\";",
                "GRANT USAGE ON SCHEMA \"public\" TO \"pgindex_operator\";",
                "GRANT CREATE ON SCHEMA \"public\" TO \"pgindex_operator\";",
                "GRANT \"app\" TO \"pgindex_operator\";");
        assertThat(sql(16, Set.of(), orders(Feature.BUILD))).last()
                .isEqualTo("GRANT \"app\" TO \"pgindex_operator\" WITH INHERIT TRUE, SET FALSE;");
        assertThat(sql(18, Set.of(), orders(Feature.BUILD))).hasSize(6);
    }

    @Test
    void maintainSufficesForAnalyzeFrom17AndOwnershipCoversItWhenTheTableIsOwnedAnyway() {
        assertThat(sql(17, Set.of(), orders(Feature.ANALYZE))).contains(
                "GRANT MAINTAIN ON TABLE \"public\".\"orders\" TO \"pgindex_operator\";")
                .noneMatch(s -> s.contains("GRANT \"app\""));
        assertThat(sql(15, Set.of(), orders(Feature.ANALYZE))).contains("GRANT \"app\" TO \"pgindex_operator\";")
                .noneMatch(s -> s.contains("MAINTAIN"));
        // a rebuild also drops its leftovers (DROP INDEX CONCURRENTLY): the owner, and MAINTAIN is then implied
        assertThat(sql(17, Set.of(), orders(Feature.REBUILD, Feature.ANALYZE)))
                .contains("GRANT \"app\" TO \"pgindex_operator\" WITH INHERIT TRUE, SET FALSE;")
                .noneMatch(s -> s.contains("MAINTAIN"));
    }

    @Test
    void aForeignKeyNeedsReferencesAndSelectOnTheReferencedTableOnly() {
        Grants.Table customers = new Grants.Table("sales", "Customers", "crm", EnumSet.of(Feature.FOREIGN_KEY));
        List<String> out = sql(17, Set.of(), orders(Feature.CONSTRAINT), customers);
        assertThat(out).contains("GRANT USAGE ON SCHEMA \"sales\" TO \"pgindex_operator\";",
                "GRANT REFERENCES ON TABLE \"sales\".\"Customers\" TO \"pgindex_operator\";",
                "GRANT SELECT ON TABLE \"sales\".\"Customers\" TO \"pgindex_operator\";",
                "GRANT \"app\" TO \"pgindex_operator\" WITH INHERIT TRUE, SET FALSE;")
                .noneMatch(s -> s.contains("\"crm\"")).noneMatch(s -> s.contains("TEMPORARY"))
                .noneMatch(s -> s.contains("CREATE ON SCHEMA"));
        // a table both owned and referenced: ownership gives REFERENCES and SELECT
        Grants.Table self = new Grants.Table("public", "orders", "app", EnumSet.of(Feature.CONSTRAINT,
                Feature.FOREIGN_KEY));
        assertThat(sql(17, Set.of(), self)).noneMatch(s -> s.contains("REFERENCES") || s.contains("SELECT"));
    }

    @Test
    void guardsAndChecksAfterReadyArePredefinedRolesAndOneFunction() {
        Grants.Request r = new Grants.Request("op", "shop", 12, EnumSet.of(Feature.REPLICA_LAG,
                Feature.BLOCKING_SESSIONS, Feature.BLOCKER_DETAILS, Feature.USAGE, Feature.COLLATION_DRIFT,
                Feature.VERIFY, Feature.BLOAT), List.of(), "ext", "public");
        List<Grants.Grant> plan = Grants.plan(r);
        assertThat(plan.stream().map(g -> Grants.sql(g.privilege(), "op", 12))).containsExactly(
                "CREATE ROLE \"op\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;",
                "GRANT CONNECT ON DATABASE \"shop\" TO \"op\";",
                "GRANT USAGE ON SCHEMA \"public\" TO \"op\";",
                "GRANT USAGE ON SCHEMA \"ext\" TO \"op\";",
                "GRANT \"pg_read_all_stats\" TO \"op\";",
                "GRANT \"pg_signal_backend\" TO \"op\";",
                "GRANT \"pg_stat_scan_tables\" TO \"op\";",
                "GRANT EXECUTE ON FUNCTION \"ext\".\"bt_index_check\"(regclass, boolean) TO \"op\";");
        assertThat(plan.get(4).features()).containsExactly(Feature.REPLICA_LAG, Feature.BLOCKER_DETAILS);
    }

    @Test
    void identifiersAreQuotedAndNamesPostgresWouldTruncateAreRefused() {
        Grants.Table odd = new Grants.Table("My Schema", "a\"b", "Owner Role", EnumSet.of(Feature.BUILD));
        Grants.Request r = new Grants.Request("op \"x\"", "my db", 17, Set.of(), List.of(odd), "public", "public");
        assertThat(Grants.plan(r).stream().map(g -> Grants.sql(g.privilege(), r.role(), 17)))
                .contains("GRANT CREATE ON SCHEMA \"My Schema\" TO \"op \"\"x\"\"\";",
                        "GRANT \"Owner Role\" TO \"op \"\"x\"\"\" WITH INHERIT TRUE, SET FALSE;",
                        "GRANT TEMPORARY ON DATABASE \"my db\" TO \"op \"\"x\"\"\";");
        assertThat(Grants.ownerInstead(odd.qualified(), "op")).isEqualTo("ALTER TABLE \"My Schema\".\"a\"\"b\" OWNER TO \"op\";");
        assertThatThrownBy(() -> Grants.sql(new Grants.Privilege(Grants.Kind.ROLE, "r".repeat(64), null, null), "op", 17))
                .isInstanceOf(InvalidDefinitionException.class);
    }

    @Test
    void anUnknownOwnerIsACommentNotAStatement() {
        Grants.Table t = new Grants.Table("public", "orders", null, EnumSet.of(Feature.DROP));
        assertThat(sql(17, Set.of(), t)).last().isEqualTo("-- GRANT <the tables' owner> TO \"pgindex_operator\"; "
                + "(owner unknown: connect, or give --owner)");
    }

    @Test
    void featureFlagsAreKebabCase() {
        assertThat(Feature.FOREIGN_KEY.flag()).isEqualTo("foreign-key");
        assertThat(Feature.ofFlag(" Replica-Lag")).contains(Feature.REPLICA_LAG);
        assertThat(Feature.ofFlag("nope")).isEmpty();
    }
}
