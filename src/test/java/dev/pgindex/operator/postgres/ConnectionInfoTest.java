package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Secret shapes CloudNativePG writes (cluster-app), and their parts. */
class ConnectionInfoTest {
    @Test
    void shouldReadCloudNativePgAppSecretUri() {
        ConnectionInfo c = ConnectionInfo.fromSecret(Map.of(
                "uri", "postgresql://app:s3cr%40t@pg-rw.db.svc:5432/app?sslmode=require",
                "username", "app", "password", "s3cr@t", "host", "pg-rw", "port", "5432", "dbname", "app",
                "jdbc-uri", "jdbc:postgresql://pg-rw.db.svc:5432/app?password=s3cr%40t&user=app"), null);
        assertThat(c.host()).isEqualTo("pg-rw");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.database()).isEqualTo("app");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.password()).isEqualTo("s3cr@t");
        assertThat(c.sslMode()).isEqualTo("require");
    }

    @Test
    void shouldReadUriAlone() {
        ConnectionInfo c = ConnectionInfo.fromSecret(Map.of("uri", "postgres://u:p%2Fq@db.example:6543/my%20db"), null);
        assertThat(c).isEqualTo(new ConnectionInfo("db.example", 6543, "my db", "u", "p/q", "prefer"));
    }

    @Test
    void shouldReadDiscreteKeysWithDefaultPortAndOverrideSslMode() {
        ConnectionInfo c = ConnectionInfo.fromSecret(Map.of("host", "h", "dbname", "d", "user", "u", "password", "p"),
                "verify-full");
        assertThat(c).isEqualTo(new ConnectionInfo("h", 5432, "d", "u", "p", "verify-full"));
        assertThat(c.toString()).doesNotContain("p,").doesNotContain("password");
    }

    @Test
    void shouldNameMissingKeys() {
        assertThatThrownBy(() -> ConnectionInfo.fromSecret(Map.of("password", "p"), null))
                .hasMessageContaining("host, dbname, user");
        assertThatThrownBy(() -> ConnectionInfo.fromSecret(Map.of("host", "h", "dbname", "d", "user", "u", "port", "x"), null))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> ConnectionInfo.fromSecret(Map.of("uri", "mysql://h/d"), null))
                .hasMessageContaining("postgresql://");
    }
}
