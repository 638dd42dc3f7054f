package dev.pgindex.operator.postgres;

import java.nio.charset.StandardCharsets;

/**
 * The one door for identifiers and literals that go into SQL text. Identifiers are always double-quoted (never
 * bare), so case and reserved words survive; literals are single-quoted for a server with
 * standard_conforming_strings on (every session the operator opens sets it).
 */
public final class Quoting {
    public static final int MAX_IDENTIFIER_BYTES = 63;
    /** What the API accepts as a name: ASCII letters, digits, '_' and '$', not starting with a digit or '$'. */
    public static final String IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_$]*$";
    /** Collation names may also carry '-', '.', '@' and '=' (en-US-x-icu, en_US.utf8, de@collation=phonebook). */
    public static final String COLLATION_PATTERN = "^[A-Za-z_][A-Za-z0-9_$.@=-]*$";

    private Quoting() {
    }

    /** Quotes an identifier: {@code Orders} becomes {@code "Orders"}, {@code a"b} becomes {@code "a""b"}. */
    public static String ident(String name) {
        checkIdentifier(name);
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return ident(schema) + '.' + ident(name);
    }

    /** Quotes a string literal: {@code it's} becomes {@code 'it''s'}. Backslashes stay literal. */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new InvalidDefinitionException("a literal may not contain a NUL character");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** {@link #checkIdentifier} plus the API's pattern, with the field named in the message. */
    public static void checkName(String field, String name, String pattern) {
        if (name == null || name.isEmpty()) {
            throw new InvalidDefinitionException(field + " may not be empty");
        }
        checkIdentifier(name);
        if (!java.util.regex.Pattern.matches(pattern, name)) {
            throw new InvalidDefinitionException(field + " '" + name.replace("\0", "\\0") + "' is not a plain identifier "
                    + "(letters, digits, '_' and '$', not starting with a digit)");
        }
    }

    /** Rejects what PostgreSQL would refuse or silently truncate: empty, NUL, more than 63 UTF-8 bytes. */
    public static void checkIdentifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidDefinitionException("an identifier may not be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new InvalidDefinitionException("an identifier may not contain a NUL character");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES) {
            throw new InvalidDefinitionException("identifier \"" + name + "\" is " + bytes
                    + " bytes long; PostgreSQL keeps at most 63 bytes and would silently truncate it");
        }
    }
}
