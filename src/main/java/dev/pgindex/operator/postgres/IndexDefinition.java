package dev.pgindex.operator.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The index as PostgreSQL sees it, free of Kubernetes types. {@link #validate()} checks every identifier and
 * fragment before any SQL text is built from it.
 */
public record IndexDefinition(String schema, String table, String name, boolean unique, String method,
        List<Column> columns, List<String> include, String where, boolean nullsNotDistinct,
        SortedMap<String, String> storageParameters, String tablespace) {

    public static final Set<String> METHODS = Set.of("btree", "hash", "gist", "spgist", "gin", "brin");

    /** One key column: exactly one of name and expression. descending/nullsFirst null mean "not specified". */
    public record Column(String name, String expression, Boolean descending, Boolean nullsFirst, String opclass,
            String collation) {
        public static Column of(String name) {
            return new Column(name, null, null, null, null, null);
        }

        public static Column expr(String expression) {
            return new Column(null, expression, null, null, null, null);
        }
    }

    public IndexDefinition {
        columns = columns == null ? List.of() : List.copyOf(columns);
        include = include == null ? List.of() : List.copyOf(include);
        storageParameters = storageParameters == null ? new TreeMap<>() : new TreeMap<>(storageParameters);
        if (where != null && where.isBlank()) {
            where = null;
        }
    }

    public static IndexDefinition of(String schema, String table, String name, List<Column> columns) {
        return new IndexDefinition(schema, table, name, false, "btree", columns, List.of(), null, false, null, null);
    }

    public IndexDefinition withUnique(boolean u) {
        return new IndexDefinition(schema, table, name, u, method, columns, include, where, nullsNotDistinct,
                storageParameters, tablespace);
    }

    /** The same index on one partition: another schema, table and name. */
    public IndexDefinition onPartition(String partitionSchema, String partition, String indexName) {
        return new IndexDefinition(partitionSchema, partition, indexName, unique, method, columns, include, where,
                nullsNotDistinct, storageParameters, tablespace);
    }

    /** Throws {@link InvalidDefinitionException} with a message a person can act on. */
    public IndexDefinition validate() {
        String id = Quoting.IDENTIFIER_PATTERN;
        Quoting.checkName("schema", schema, id);
        if (isSystemSchema(schema)) {
            throw new InvalidDefinitionException("schema " + schema + " is a system schema (pg_catalog, pg_toast, "
                    + "pg_temp_*, information_schema and every other pg_* schema belong to PostgreSQL); the operator "
                    + "only indexes user tables");
        }
        Quoting.checkName("table", table, id);
        Quoting.checkName("name", name, id);
        if (!METHODS.contains(method)) {
            throw new InvalidDefinitionException("unknown index method '" + method + "'; use one of " + METHODS);
        }
        if (columns.isEmpty()) {
            throw new InvalidDefinitionException("an index needs at least one column");
        }
        if (columns.size() + include.size() > 32) {
            throw new InvalidDefinitionException("an index may have at most 32 columns including INCLUDE columns");
        }
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String where = "columns[" + i + "]";
            if ((c.name() == null) == (c.expression() == null)) {
                throw new InvalidDefinitionException(where + " needs exactly one of name or expression");
            }
            if (c.name() != null) {
                Quoting.checkName(where + ".name", c.name(), id);
            } else {
                SqlFragments.check(where + ".expression", c.expression());
            }
            if (c.opclass() != null) {
                Quoting.checkName(where + ".opclass", c.opclass(), id);
            }
            if (c.collation() != null) {
                Quoting.checkName(where + ".collation", c.collation(), Quoting.COLLATION_PATTERN);
            }
            if ((c.descending() != null || c.nullsFirst() != null) && !"btree".equals(method)) {
                throw new InvalidDefinitionException(where + ": order and nulls are supported by btree only");
            }
        }
        Set<String> keyNames = new java.util.HashSet<>();
        Set<String> keyExpressions = new java.util.HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (c.name() != null && !keyNames.add(c.name())) {
                throw new InvalidDefinitionException("columns[" + i + "] repeats column " + c.name() + ": a key "
                        + "column may appear once");
            }
            if (c.expression() != null && !keyExpressions.add(c.expression().replaceAll("\\s+", " ").trim())) {
                throw new InvalidDefinitionException("columns[" + i + "] repeats the expression " + c.expression()
                        + ": a key expression may appear once");
            }
        }
        for (String inc : include) {
            Quoting.checkName("include", inc, id);
            if (keyNames.contains(inc)) {
                throw new InvalidDefinitionException("include lists " + inc + ", which is already a key column");
            }
        }
        if (include.size() != Set.copyOf(include).size()) {
            throw new InvalidDefinitionException("include lists a column twice");
        }
        if (!include.isEmpty() && !Set.of("btree", "gist", "spgist").contains(method)) {
            throw new InvalidDefinitionException("include is supported by btree, gist and spgist only");
        }
        if (unique && !"btree".equals(method)) {
            throw new InvalidDefinitionException("unique indexes need method btree");
        }
        if (nullsNotDistinct && !unique) {
            throw new InvalidDefinitionException("nullsNotDistinct needs unique");
        }
        if (where != null) {
            SqlFragments.check("where", where);
        }
        for (Map.Entry<String, String> p : storageParameters.entrySet()) {
            if (!p.getKey().matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new InvalidDefinitionException("storage parameter '" + p.getKey() + "' is not a valid name");
            }
            if (p.getValue() == null || !p.getValue().matches("[A-Za-z0-9_.+-]{1,64}")) {
                throw new InvalidDefinitionException("storage parameter " + p.getKey()
                        + " needs a plain word or number as its value");
            }
        }
        if (tablespace != null) {
            Quoting.checkName("tablespace", tablespace, id);
        }
        return this;
    }

    /**
     * pg_catalog, pg_toast, pg_temp_N, pg_toast_temp_N and information_schema: PostgreSQL reserves every schema
     * name that starts with pg_ (CREATE SCHEMA refuses them), so none of them holds a user table.
     */
    public static boolean isSystemSchema(String schema) {
        return schema != null && (schema.startsWith("pg_") || schema.equals("information_schema"));
    }

    /**
     * A short stable digest of the definition itself (every field, in a fixed order, each with its length), stored
     * in the ownership mark and in status.specHash. It does not depend on how {@link Ddl} renders the statement, so
     * a cosmetic change there never makes an owned index look foreign.
     */
    public String hash() {
        StringBuilder b = new StringBuilder("pgindex-definition-v2");
        field(b, "schema", schema);
        field(b, "table", table);
        field(b, "name", name);
        field(b, "unique", Boolean.toString(unique));
        field(b, "method", method);
        for (Column c : columns) {
            field(b, "column.name", c.name());
            field(b, "column.expression", c.expression());
            field(b, "column.descending", c.descending() == null ? null : c.descending().toString());
            field(b, "column.nullsFirst", c.nullsFirst() == null ? null : c.nullsFirst().toString());
            field(b, "column.opclass", c.opclass());
            field(b, "column.collation", c.collation());
        }
        include.forEach(i -> field(b, "include", i));
        field(b, "where", where);
        field(b, "nullsNotDistinct", Boolean.toString(nullsNotDistinct));
        storageParameters.forEach((k, v) -> field(b, "with." + k, v));
        field(b, "tablespace", tablespace);
        return digest(b.toString());
    }

    /** The digest of the rendered DDL that marks written before the definition hash carry. */
    String legacyHash() {
        return digest(Ddl.createIndexConcurrently(this) + "|tablespace=" + tablespace);
    }

    /** Whether a mark's spec hash stands for this definition: today's digest, or the DDL-text one of older marks. */
    public boolean isHashOf(String specHash) {
        return hash().equals(specHash) || legacyHash().equals(specHash);
    }

    /** Both digests a mark of ours may carry for this definition. */
    public Set<String> hashes() {
        return Set.of(hash(), legacyHash());
    }

    private static void field(StringBuilder b, String key, String value) {
        b.append('|').append(key).append('=');
        if (value == null) {
            b.append('-');
        } else {
            b.append(value.length()).append(':').append(value);
        }
    }

    private static String digest(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String qualifiedName() {
        return schema + "." + name;
    }

    public String methodLower() {
        return method.toLowerCase(Locale.ROOT);
    }
}
