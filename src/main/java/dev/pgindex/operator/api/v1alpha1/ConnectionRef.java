package dev.pgindex.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where the database is: a Secret in the same namespace, in the shape CloudNativePG writes for its app users. */
public class ConnectionRef {
    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of a Secret in the same namespace holding the connection. Accepted keys (the ones "
            + "CloudNativePG writes into <cluster>-app): either 'uri' (postgresql://user:password@host:port/dbname), "
            + "or 'host', 'port' (default 5432), 'dbname', 'user' (or 'username') and 'password'. Individual keys "
            + "override the matching part of 'uri'.")
    private String secretName;

    @JsonPropertyDescription("libpq sslmode for the connection: disable, allow, prefer, require, verify-ca or "
            + "verify-full. Defaults to the 'sslmode' in the Secret's uri, or prefer.")
    private SslMode sslMode;

    public String getSecretName() { return secretName; }
    public void setSecretName(String secretName) { this.secretName = secretName; }
    public SslMode getSslMode() { return sslMode; }
    public void setSslMode(SslMode sslMode) { this.sslMode = sslMode; }
}
