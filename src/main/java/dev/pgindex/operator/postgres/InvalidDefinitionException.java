package dev.pgindex.operator.postgres;

/** The requested index cannot be expressed safely or correctly; a permanent error until the spec changes. */
public class InvalidDefinitionException extends RuntimeException {
    public InvalidDefinitionException(String message) {
        super(message);
    }
}
