package dev.pgindex.operator.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A throwaway PostgreSQL for hack/demo.sh: starts the embedded server, creates database "shop" with a users table
 * big enough for a concurrent build to take a few seconds, writes the port to the file given as the first
 * argument, and runs until its standard input closes (the demo script holds it open). The optional third argument
 * is an address to listen on besides loopback (`hack/demo.sh --in-cluster`: the node's), where the pod network
 * (10.244.0.0/16) may log in with a password.
 */
public final class DemoPostgres {
    private DemoPostgres() {
    }

    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("max_connections", "50")
                .setServerConfig("maintenance_work_mem", "64MB");
        if (args.length > 2) {
            Path hba = portFile.resolveSibling("pg_hba.conf");
            Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 trust\n"
                    + "host all all 10.244.0.0/16 scram-sha-256\n");
            builder.setServerConfig("listen_addresses", "127.0.0.1," + args[2])
                    .setServerConfig("hba_file", hba.toString())
                    .setServerConfig("password_encryption", "scram-sha-256");
        }
        try (EmbeddedPostgres pg = builder.start()) {
            try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
                    Statement s = c.createStatement()) {
                s.execute("CREATE ROLE app LOGIN PASSWORD 'app'");
                s.execute("CREATE DATABASE shop OWNER app");
            }
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/shop",
                    "app", "app"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, created_at timestamptz "
                        + "NOT NULL DEFAULT now())");
                s.execute("INSERT INTO users (email, created_at) SELECT 'user' || g || '@example.com', now() - g * "
                        + "interval '1 second' FROM generate_series(1, " + rows + ") g");
                s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, created_at "
                        + "timestamptz NOT NULL DEFAULT now(), status text NOT NULL, total numeric NOT NULL)");
                s.execute("INSERT INTO orders (customer_id, status, total) SELECT g % 50000, CASE WHEN g % 20 = 0 "
                        + "THEN 'open' ELSE 'closed' END, g % 1000 FROM generate_series(1, " + (rows / 2) + ") g");
                s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text)");
                s.execute("INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(0, 49999) g");
                s.execute("ANALYZE");
            }
            Files.writeString(portFile, Integer.toString(pg.getPort()));
            System.out.println("PostgreSQL " + pg.getPort() + " ready: database shop, " + rows + " users");
            while (System.in.read() >= 0) {
                // wait for the demo script to close our stdin
            }
        }
    }
}
