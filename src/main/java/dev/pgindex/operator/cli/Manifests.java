package dev.pgindex.operator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.pgindex.operator.api.v1alpha1.ConnectionRef;
import dev.pgindex.operator.api.v1alpha1.ConstraintSpec;
import dev.pgindex.operator.api.v1alpha1.ConstraintType;
import dev.pgindex.operator.api.v1alpha1.IndexColumn;
import dev.pgindex.operator.api.v1alpha1.IndexMethod;
import dev.pgindex.operator.api.v1alpha1.NullsOrder;
import dev.pgindex.operator.api.v1alpha1.PostgresIndex;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.api.v1alpha1.SortOrder;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * PostgresIndex manifests from {@link IndexDefinition}s (the inverse of the operator's Specs.definition), their
 * names, and their YAML and JSON text. Only what differs from the CRD's defaults is written, so a manifest reads
 * like the CREATE INDEX it stands for.
 */
final class Manifests {
    /** The source of a manifest (pg_get_indexdef, or the SQL statement), for the reviewer of the manifest. */
    static final String SOURCE_ANNOTATION = "pgindex.dev/source";
    private static final Pattern LOSSLESS = Pattern.compile("[a-z0-9]+(_[a-z0-9]+)*");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /**
     * YAML for people: quotes only where YAML needs them, but always around strings that look like numbers or
     * booleans ("70", "off"), which the API wants as strings.
     */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private Manifests() {
    }

    /**
     * A DNS-1123 name, the same for the same index every time: {@code orders-created-at-idx} for
     * public.orders_created_at_idx, {@code billing.invoices-due-idx} for billing.invoices_due_idx. A name that does
     * not map one to one (upper case, '$', doubled or edge underscores) gets a short hash of the original.
     */
    static String resourceName(String schema, String index) {
        String name = part(index);
        if (!"public".equals(schema)) {
            name = part(schema) + "." + name;
        }
        if (!LOSSLESS.matcher(index).matches() || !"public".equals(schema) && !LOSSLESS.matcher(schema).matches()) {
            name = name + "-" + hash(schema + "." + index);
        }
        return name;
    }

    private static String part(String s) {
        String p = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return p.isEmpty() ? "x" : p;
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The spec for a definition. The connection is the Secret alone: how this command reached the database (a
     * port-forward, --sslmode) says nothing about how the operator should, so sslMode comes from the Secret.
     */
    static PostgresIndexSpec spec(IndexDefinition d, String secret, Character constraint) {
        PostgresIndexSpec spec = new PostgresIndexSpec();
        spec.setConnection(connection(secret));
        spec.setSchema(d.schema());
        spec.setTable(d.table());
        spec.setName(d.name());
        spec.setUnique(d.unique() ? Boolean.TRUE : null);
        spec.setMethod("btree".equals(d.method()) ? null : IndexMethod.valueOf(d.method().toUpperCase(Locale.ROOT)));
        List<IndexColumn> cols = new ArrayList<>();
        for (IndexDefinition.Column c : d.columns()) {
            IndexColumn col = c.name() != null ? IndexColumn.named(c.name()) : IndexColumn.expression(c.expression());
            if (Boolean.TRUE.equals(c.descending())) {
                col.setOrder(SortOrder.DESC);
            }
            if (c.nullsFirst() != null) {
                col.setNulls(c.nullsFirst() ? NullsOrder.FIRST : NullsOrder.LAST);
            }
            col.setOpclass(c.opclass());
            col.setCollation(c.collation());
            cols.add(col);
        }
        spec.setColumns(cols);
        spec.setInclude(d.include().isEmpty() ? null : new ArrayList<>(d.include()));
        spec.setWhere(d.where());
        spec.setNullsNotDistinct(d.nullsNotDistinct() ? Boolean.TRUE : null);
        spec.setStorageParameters(d.storageParameters().isEmpty() ? null : d.storageParameters());
        spec.setTablespace(d.tablespace());
        if (constraint != null) {
            ConstraintSpec cs = new ConstraintSpec();
            cs.setType(constraint == 'p' ? ConstraintType.PrimaryKey : ConstraintType.Unique);
            spec.setConstraint(cs);
        }
        spec.setReclaimPolicy(null);
        spec.setRetryLimit(null);
        checkAdmission(spec);
        return spec;
    }

    /** The connection of every manifest: the Secret alone (see {@link #spec}). */
    static ConnectionRef connection(String secret) {
        ConnectionRef ref = new ConnectionRef();
        ref.setSecretName(secret);
        return ref;
    }

    /** The CRD's size limits that IndexDefinition.validate does not check, so the API server never refuses one. */
    private static void checkAdmission(PostgresIndexSpec spec) {
        for (IndexColumn c : spec.getColumns()) {
            if (c.getExpression() != null && c.getExpression().length() > 1024) {
                throw new InvalidDefinitionException("an expression is longer than the API's 1024 characters");
            }
        }
        if (spec.getWhere() != null && spec.getWhere().length() > 4096) {
            throw new InvalidDefinitionException("the predicate is longer than the API's 4096 characters");
        }
        if (spec.getStorageParameters() != null && spec.getStorageParameters().size() > 16) {
            throw new InvalidDefinitionException("more than the API's 16 storage parameters");
        }
    }

    static PostgresIndex resource(String name, String namespace, PostgresIndexSpec spec, String source) {
        PostgresIndex r = new PostgresIndex();
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name);
        if (namespace != null) {
            meta.withNamespace(namespace);
        }
        if (source != null) {
            meta.withAnnotations(Map.of(SOURCE_ANNOTATION, source));
        }
        r.setMetadata(meta.build());
        r.setSpec(spec);
        r.setStatus(null);
        return r;
    }

    /** Multi-document YAML, each document starting with ---. */
    static String yaml(List<? extends HasMetadata> resources) {
        StringBuilder b = new StringBuilder();
        for (HasMetadata r : resources) {
            try {
                String y = YAML.writeValueAsString(tree(r));
                b.append(y.startsWith("---") ? "" : "---\n").append(y);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }

    /** A v1 List, which kubectl apply -f accepts as it is. */
    static String jsonList(List<? extends HasMetadata> resources) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.put("items", resources.stream().map(Manifests::tree).toList());
        return json(list);
    }

    static Object tree(HasMetadata r) {
        return SERIALIZATION.convertValue(r, Map.class);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
