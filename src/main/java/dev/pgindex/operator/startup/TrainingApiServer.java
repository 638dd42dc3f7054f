package dev.pgindex.operator.startup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for the Kubernetes API server, used only while the image is built: the class data sharing training
 * (src/main/docker/cds-training.sh) starts the operator against it, so the archive records the classes of a real
 * start (TLS, the HTTP client, list and watch of every informer) and of the warm-up, not only those loaded before a
 * failed first request. It answers every list with an empty list and holds every (HTTP, not WebSocket) watch open; anything else is
 * 404.
 * It uses only the JDK, and nothing of it runs in the operator.
 *
 * <p>usage: {@code java -cp <operator jar> dev.pgindex.operator.startup.TrainingApiServer KEYSTORE.p12 PASSWORD};
 * prints the port it listens on (127.0.0.1) as its first line.
 */
public final class TrainingApiServer {
    private TrainingApiServer() {
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        char[] password = args[1].toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(args[0])) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "training-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", TrainingApiServer::answer);
        server.start();
        System.out.println(server.getAddress().getPort());
        System.out.flush();
    }

    static void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
        System.err.println("training-api: " + ex.getRequestMethod() + " " + ex.getRequestURI());
        String[] parts = path.split("/");
        String plural = parts[parts.length - 1];
        boolean collection = "GET".equals(ex.getRequestMethod()) && parts.length >= 4
                && (path.startsWith("/apis/") || path.startsWith("/api/"));
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (ex.getRequestHeaders().containsKey("Upgrade")) {
            // no WebSocket watches here: a complete 200 instead of 101 makes the client fall back to a streamed
            // HTTP watch at once (a 503 would too, but after its retries)
            reply(ex, 200, failure(200));
            return;
        }
        if (collection && query.contains("watch=true")) {
            // chunked, with one bookmark event so that the watch counts as established, then held open until the
            // training stops the operator
            ex.sendResponseHeaders(200, 0);
            String kind = listKind(plural).replace("List", "");
            ex.getResponseBody().write(("{\"type\":\"BOOKMARK\",\"object\":{\"apiVersion\":\"" + apiVersion(parts, path)
                    + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"resourceVersion\":\"1\"}}}\n")
                    .getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            return;
        }
        if (!collection) {
            reply(ex, 404, failure(404));
            return;
        }
        reply(ex, 200, "{\"apiVersion\":\"" + apiVersion(parts, path) + "\",\"kind\":\"" + listKind(plural)
                + "\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}");
    }

    /** A Kubernetes Status object saying the request failed with {@code code}. */
    static String failure(int code) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code + "}";
    }

    static void reply(HttpExchange ex, int code, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static String apiVersion(String[] parts, String path) {
        return path.startsWith("/api/") ? parts[2] : parts[2] + "/" + parts[3];
    }

    static String listKind(String plural) {
        return switch (plural) {
            case "postgresindexes" -> "PostgresIndexList";
            case "postgresindexsets" -> "PostgresIndexSetList";
            case "postgresconstraints" -> "PostgresConstraintList";
            default -> "List";
        };
    }
}
