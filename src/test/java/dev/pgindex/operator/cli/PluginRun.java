package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.ConnectionInfo;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the plugin in-process, as the launcher would, with stdout and stderr captured. */
record PluginRun(int code, String out, String err) {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static PluginRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new PluginRun(code, out.toString(), err.toString());
    }

    static String dsn(ConnectionInfo db) {
        return "postgresql://" + db.user() + ":" + db.password() + "@localhost:" + db.port() + "/" + db.database()
                + "?sslmode=disable";
    }

    /** A new database holding src/test/resources/cli/{@code fixture}. */
    static ConnectionInfo databaseWith(String fixture) {
        ConnectionInfo db = dev.pgindex.operator.support.TestPostgres.newDatabase();
        dev.pgindex.operator.support.TestPostgres.exec(db, fixture(fixture));
        return db;
    }

    static String fixture(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/cli", name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The items of the v1 List that -o json prints. */
    List<JsonNode> items() {
        try {
            List<JsonNode> items = new ArrayList<>();
            new ObjectMapper().readTree(out).get("items").forEach(items::add);
            return items;
        } catch (IOException e) {
            throw new IllegalStateException(out, e);
        }
    }

    static PostgresIndexSpec spec(JsonNode item) {
        return SERIALIZATION.convertValue(item.get("spec"), PostgresIndexSpec.class);
    }
}
