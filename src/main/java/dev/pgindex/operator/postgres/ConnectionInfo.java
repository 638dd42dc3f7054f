package dev.pgindex.operator.postgres;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and how to connect, parsed from the keys CloudNativePG writes into its app Secrets: {@code uri}
 * (postgresql://user:password@host:port/dbname?sslmode=...), or {@code host}, {@code port}, {@code dbname},
 * {@code user} (or {@code username}) and {@code password}. Individual keys override the parts of {@code uri}.
 */
public record ConnectionInfo(String host, int port, String database, String user, String password, String sslMode) {

    public ConnectionInfo {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
    }

    /** Thrown when the Secret lacks what a connection needs; the message names the missing keys. */
    public static class IncompleteSecretException extends RuntimeException {
        public IncompleteSecretException(String message) {
            super(message);
        }
    }

    public static ConnectionInfo fromSecret(Map<String, String> data, String sslModeOverride) {
        Map<String, String> v = new LinkedHashMap<>();
        String uri = data.get("uri");
        if (uri != null && !uri.isBlank()) {
            parseUri(uri.trim(), v);
        }
        copy(data, "host", v, "host");
        copy(data, "port", v, "port");
        copy(data, "dbname", v, "dbname");
        copy(data, "database", v, "dbname");
        copy(data, "username", v, "user");
        copy(data, "user", v, "user");
        copy(data, "password", v, "password");
        StringBuilder missing = new StringBuilder();
        for (String k : new String[] {"host", "dbname", "user"}) {
            if (!v.containsKey(k)) {
                missing.append(missing.length() == 0 ? "" : ", ").append(k);
            }
        }
        if (missing.length() > 0) {
            throw new IncompleteSecretException("the Secret has no usable 'uri' and lacks the key(s) " + missing
                    + " (expected the keys of a CloudNativePG app secret: uri, or host, port, dbname, user, password)");
        }
        int port;
        try {
            port = Integer.parseInt(v.getOrDefault("port", "5432"));
        } catch (NumberFormatException e) {
            throw new IncompleteSecretException("the Secret's port '" + v.get("port") + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IncompleteSecretException("the Secret's port " + port + " is out of range");
        }
        String ssl = sslModeOverride != null ? sslModeOverride : v.getOrDefault("sslmode", "prefer");
        return new ConnectionInfo(v.get("host"), port, v.get("dbname"), v.get("user"), v.get("password"), ssl);
    }

    private static void copy(Map<String, String> from, String key, Map<String, String> to, String as) {
        String value = from.get(key);
        if (value != null && !value.isBlank()) {
            to.put(as, value.trim());
        }
    }

    private static void parseUri(String uri, Map<String, String> v) {
        URI u;
        try {
            u = URI.create(uri.replaceFirst("^postgres(ql)?://", "pg://"));
        } catch (IllegalArgumentException e) {
            throw new IncompleteSecretException("the Secret's 'uri' is not a valid postgresql:// URI");
        }
        if (!uri.startsWith("postgres://") && !uri.startsWith("postgresql://")) {
            throw new IncompleteSecretException("the Secret's 'uri' must start with postgresql://");
        }
        if (u.getHost() != null) {
            v.put("host", u.getHost());
        }
        if (u.getPort() > 0) {
            v.put("port", Integer.toString(u.getPort()));
        }
        String path = u.getRawPath();
        if (path != null && path.length() > 1) {
            v.put("dbname", decode(path.substring(1)));
        }
        String userInfo = u.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            v.put("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                v.put("password", decode(userInfo.substring(colon + 1)));
            }
        }
        String query = u.getRawQuery();
        if (query != null) {
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.substring(0, eq).equals("sslmode")) {
                    v.put("sslmode", decode(kv.substring(eq + 1)));
                }
            }
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/";
    }

    /** Connection properties; the database name goes here too so no part of the URL needs escaping. */
    public Properties properties(String applicationName, int connectTimeoutSeconds, int socketTimeoutSeconds) {
        Properties p = new Properties();
        p.setProperty("PGDBNAME", database);
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("sslmode", sslMode == null ? "prefer" : sslMode);
        p.setProperty("ApplicationName", applicationName);
        // sent in the start-up packet, not as a SET after it (a round trip less per session; PgBouncer keeps it)
        p.setProperty("assumeMinServerVersion", "12");
        p.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        p.setProperty("tcpKeepAlive", "true");
        // Simple protocol keeps statements one round trip each; the builder sends exactly one statement anyway.
        p.setProperty("preferQueryMode", "extended");
        return p;
    }

    /** A key that identifies the database (not the credentials), for per-database limits. */
    public String databaseKey() {
        return host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "ConnectionInfo[" + user + "@" + host + ":" + port + "/" + database + ", sslmode=" + sslMode + "]";
    }
}
