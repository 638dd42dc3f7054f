package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.postgres.ConnectionInfo;
import dev.pgindex.operator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.pgindex.operator.support.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

/** kubectl pgindex grants on real PostgreSQL: the SQL printed for manifests, and --check (missing, extra, exact). */
class GrantsCommandTest {
    static final String INDEX = """
            apiVersion: pgindex.dev/v1alpha1
            kind: PostgresIndex
            metadata:
              name: orders-customer-id
            spec:
              connection:
                secretName: shop-db-app
              table: orders
              name: orders_customer_id
              columns:
                - name: customer_id
              reclaimPolicy: Delete
              replicaLag:
                maxBytes: 1Gi
              blockingSessions:
                action: Terminate
                roles: [reporting]
            """;
    static final String CONSTRAINT = """
            apiVersion: pgindex.dev/v1alpha1
            kind: PostgresConstraint
            metadata:
              name: orders-customer-fk
            spec:
              connection:
                secretName: shop-db-app
              table: orders
              name: orders_customer_fk
              foreignKey:
                columns: [customer_id]
                references:
                  table: customers
                  columns: [id]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: unrelated
            """;

    @TempDir
    Path dir;

    record Db(ConnectionInfo admin, String op, String owner) {
        String dsn() {
            return PluginRun.dsn(admin);
        }
    }

    Db database() throws Exception {
        ConnectionInfo db = TestPostgres.newDatabase();
        String owner = "owner_" + db.database();
        String crm = "crm_" + db.database();
        exec(db, "CREATE ROLE " + owner + " NOLOGIN", "CREATE ROLE " + crm + " NOLOGIN",
                "CREATE TABLE customers (id bigint PRIMARY KEY)", "ALTER TABLE customers OWNER TO " + crm,
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint)", "ALTER TABLE orders OWNER TO " + owner);
        Files.writeString(dir.resolve("index.yaml"), INDEX);
        Files.writeString(dir.resolve("constraint.yml"), CONSTRAINT);
        return new Db(db, "op_" + db.database(), owner);
    }

    static List<String> statements(String out) {
        List<String> s = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.startsWith("--") && !line.isBlank()) {
                s.add(line.replaceAll(" {2}-- .*", ""));
            }
        }
        return s;
    }

    @Test
    void shouldPrintTheGrantsTheManifestsNeedAndPassTheCheckOnceTheyAreRun() throws Exception {
        Db db = database();
        String d = db.admin().database();
        PluginRun run = PluginRun.of("grants", "-f", dir.toString(), "--role", db.op(), "--dsn", db.dsn());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(Main.OK);
        String op = "\"" + db.op() + "\"";
        assertThat(statements(run.out())).containsExactly(
                "CREATE ROLE " + op + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;",
                "GRANT CONNECT ON DATABASE \"" + d + "\" TO " + op + ";",
                "GRANT TEMPORARY ON DATABASE \"" + d + "\" TO " + op + ";",
                "GRANT USAGE ON SCHEMA \"public\" TO " + op + ";",
                "GRANT CREATE ON SCHEMA \"public\" TO " + op + ";",
                "GRANT \"" + db.owner() + "\" TO " + op + " WITH INHERIT TRUE, SET FALSE;",
                "GRANT REFERENCES ON TABLE \"public\".\"customers\" TO " + op + ";",
                "GRANT SELECT ON TABLE \"public\".\"customers\" TO " + op + ";",
                "GRANT \"pg_read_all_stats\" TO " + op + ";",
                "GRANT \"pg_signal_backend\" TO " + op + ";");
        assertThat(run.out()).contains("GRANT \"" + db.owner() + "\" TO " + op
                        + " WITH INHERIT TRUE, SET FALSE;  -- build, drop, constraint\n",
                "GRANT \"pg_signal_backend\" TO " + op + ";  -- blocking-sessions\n",
                "or instead make the operator the owner: ALTER TABLE \"public\".\"orders\" OWNER TO " + op + ";",
                "-- note: " + dir.resolve("constraint.yml") + ": ConfigMap skipped");

        PluginRun before = PluginRun.of("grants", "--check", "-f", dir.toString(), "--role", db.op(), "--dsn", db.dsn());
        assertThat(before.code()).as(before.out() + before.err()).isEqualTo(Main.FINDINGS);
        assertThat(before.out()).contains("role " + db.op() + " does not exist");

        exec(db.admin(), statements(run.out()).toArray(String[]::new));
        PluginRun check = PluginRun.of("grants", "--check", "-f", dir.toString(), "--role", db.op(), "--dsn", db.dsn());
        assertThat(check.code()).as(check.out() + check.err()).isEqualTo(Main.OK);
        assertThat(check.out()).startsWith("Role " + db.op() + " has exactly the grants the features need (10).");
    }

    @Test
    void shouldNameWhatIsMissingWithTheGrantThatFixesIt() throws Exception {
        Db db = database();
        PluginRun print = PluginRun.of("grants", "-f", dir.toString(), "--role", db.op(), "--dsn", db.dsn());
        exec(db.admin(), statements(print.out()).toArray(String[]::new));
        exec(db.admin(), "REVOKE CREATE ON SCHEMA public FROM " + db.op(), "REVOKE " + db.owner() + " FROM " + db.op(),
                "GRANT " + db.owner() + " TO " + db.op() + " WITH INHERIT FALSE, SET TRUE");
        PluginRun check = PluginRun.of("grants", "--check", "-f", dir.toString(), "--role", db.op(), "--dsn",
                db.dsn(), "-o", "json");
        assertThat(check.code()).as(check.out() + check.err()).isEqualTo(Main.FINDINGS);
        JsonNode doc = new ObjectMapper().readTree(check.out());
        List<String> fixes = new ArrayList<>();
        doc.get("missing").forEach(m -> fixes.add(m.get("fix").asText()));
        assertThat(fixes).containsExactly("GRANT CREATE ON SCHEMA \"public\" TO \"" + db.op() + "\";",
                "GRANT \"" + db.owner() + "\" TO \"" + db.op() + "\" WITH INHERIT TRUE, SET FALSE;");
        assertThat(doc.get("missing").get(1).get("detail").asText()).isEqualTo("does not own \"public\".\"orders\" "
                + "(owner: " + db.owner() + ", whose privileges it must inherit)");
        assertThat(doc.get("extra")).isEmpty();

        PluginRun table = PluginRun.of("grants", "--check", "-f", dir.toString(), "--role", db.op(), "--dsn", db.dsn());
        assertThat(table.out()).contains("STATUS", "missing   CREATE on schema \"public\"",
                "2 missing, 0 more than needed, of 10 grant(s)");
    }

    @Test
    void shouldListWhatIsMoreThanNeededWithoutFailing() throws Exception {
        Db db = database();
        PluginRun print = PluginRun.of("grants", "-f", dir.toString(), "--role", db.op(), "--dsn", db.dsn());
        exec(db.admin(), statements(print.out()).toArray(String[]::new));
        exec(db.admin(), "ALTER ROLE " + db.op() + " BYPASSRLS CREATEROLE", "GRANT pg_write_all_data TO " + db.op(),
                "CREATE TABLE audit_log (id bigint)", "ALTER TABLE audit_log OWNER TO " + db.owner());
        PluginRun check = PluginRun.of("grants", "--check", "-f", dir.toString(), "--role", db.op(), "--dsn",
                db.dsn(), "-o", "json");
        assertThat(check.code()).as(check.out() + check.err()).isEqualTo(Main.OK);
        JsonNode doc = new ObjectMapper().readTree(check.out());
        List<String> extra = new ArrayList<>();
        doc.get("extra").forEach(e -> extra.add(e.get("what").asText() + " | " + e.get("fix").asText()));
        assertThat(extra).containsExactly(
                "BYPASSRLS | ALTER ROLE \"" + db.op() + "\" NOBYPASSRLS;",
                "CREATEROLE | ALTER ROLE \"" + db.op() + "\" NOCREATEROLE;",
                "member of pg_write_all_data | REVOKE \"pg_write_all_data\" FROM \"" + db.op() + "\";",
                "owns \"public\".\"audit_log\" | give the tables the operator manages an owner role of their own");
        assertThat(doc.get("missing")).isEmpty();

        exec(db.admin(), "ALTER ROLE " + db.op() + " SUPERUSER");
        PluginRun superuser = PluginRun.of("grants", "--check", "-f", dir.toString(), "--role", db.op(), "--dsn",
                db.dsn());
        assertThat(superuser.code()).isEqualTo(Main.OK);
        assertThat(superuser.out()).containsPattern("extra +SUPERUSER").contains("ALTER ROLE \"" + db.op() + "\" NOSUPERUSER;");
        exec(db.admin(), "ALTER ROLE " + db.op() + " NOSUPERUSER");
    }

    @Test
    void shouldPrintWithoutADatabaseFromFlagsAndRefuseWhatItCannotKnow() {
        PluginRun run = PluginRun.of("grants", "--feature", "build,analyze,verify", "--table", "app.orders",
                "--owner", "app", "--database", "shop", "--server-version", "15.4", "--role", "pgindex");
        assertThat(run.code()).as(run.err()).isEqualTo(Main.OK);
        assertThat(run.out()).isEqualTo("""
                -- kubectl pgindex grants: role pgindex, database shop, PostgreSQL 15
                -- features: connect, build, analyze, verify
                -- note: not connected: partitioned tables (whose leaves may have other owners) are not detected
                CREATE ROLE "pgindex" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;  -- connect
                GRANT CONNECT ON DATABASE "shop" TO "pgindex";  -- connect
                GRANT TEMPORARY ON DATABASE "shop" TO "pgindex";  -- build
                GRANT USAGE ON SCHEMA "app" TO "pgindex";  -- connect
                GRANT CREATE ON SCHEMA "app" TO "pgindex";  -- build
                GRANT USAGE ON SCHEMA "public" TO "pgindex";  -- verify
                -- CREATE INDEX has no privilege of its own: the role must own "app"."orders".
                -- Membership in the owner role (the role is INHERIT), or instead make the operator the owner: \
                ALTER TABLE "app"."orders" OWNER TO "pgindex";
                GRANT "app" TO "pgindex";  -- build, analyze
                GRANT EXECUTE ON FUNCTION "public"."bt_index_check"(regclass, boolean) TO "pgindex";  -- verify
                """);
        PluginRun json = PluginRun.of("grants", "--all", "--database", "shop", "--server-version", "17", "-o", "json");
        assertThat(json.code()).isEqualTo(Main.OK);
        assertThat(json.out()).contains("\"serverVersion\" : 17", "\"sql\" : \"GRANT \\\"pg_signal_backend\\\"");

        assertThat(PluginRun.of("grants", "--all", "--server-version", "17").code()).isEqualTo(Main.USAGE);
        assertThat(PluginRun.of("grants", "--feature", "nope", "--database", "d", "--server-version", "17").err())
                .contains("--feature nope: unknown; one of connect, build");
        assertThat(PluginRun.of("grants", "--all", "--database", "d").err()).contains("--server-version N");
        assertThat(PluginRun.of("grants", "--check", "--all", "--database", "d", "--server-version", "17").code())
                .isEqualTo(Main.USAGE);
        assertThat(PluginRun.of("grants", "--database", "d", "--server-version", "11").code()).isEqualTo(Main.USAGE);
    }
}
