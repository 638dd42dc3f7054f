package dev.pgindex.operator.postgres;

import java.sql.SQLException;

/** The one place where SQLSTATEs become decisions. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** A classified failure: kind, SQLSTATE (may be null for client-side errors) and the server's message. */
    public record Failure(ErrorKind kind, String sqlState, String message) {
        public boolean isTransient() {
            return kind.isTransient();
        }
    }

    public static Failure classify(SQLException e) {
        return classify(e, null);
    }

    /** As above, for a session whose role ({@code quotedRole}, may be null) the plain words can name. */
    public static Failure classify(SQLException e, String quotedRole) {
        String state = e.getSQLState();
        String message = describe(e) + plainly(state, quotedRole);
        return new Failure(kindOf(state, message), state, message);
    }

    /**
     * Whom a grant or a role setting is for: "the operator's role" and its name, quoted as SQL must spell it, when
     * the session read it (current_user, in a statement it ran anyway).
     */
    public static String operatorsRole(String quotedRole) {
        return "the operator's role" + (quotedRole == null ? "" : " " + quotedRole);
    }

    public static Failure invalidDefinition(String message) {
        return new Failure(ErrorKind.InvalidDefinition, null, message);
    }

    static ErrorKind kindOf(String state, String message) {
        if (state == null) {
            return ErrorKind.ConnectionLost;
        }
        switch (state) {
            case "23505":
                return ErrorKind.UniqueViolation;
            case "23503":
            case "23514":
            case "23502":
                return ErrorKind.ConstraintViolation;
            case "42P01":
                return ErrorKind.TableNotFound;
            case "42703":
                return ErrorKind.ColumnNotFound;
            case "42501":
                return ErrorKind.InsufficientPrivilege;
            case "42P07":
                return ErrorKind.NameConflict;
            case "28P01":
            case "28000":
                return ErrorKind.AuthenticationFailed;
            case "3D000":
                return ErrorKind.DatabaseNotFound;
            case "0A000":
                return ErrorKind.UnsupportedFeature;
            case "42P05": // prepared statement "S_1" already exists
            case "26000": // prepared statement "S_1" does not exist
                return ErrorKind.PoolerNotSupported;
            case "40P01":
                return ErrorKind.Deadlock;
            case "55P03":
                return ErrorKind.LockTimeout;
            case "57014":
                return message != null && message.contains("statement timeout")
                        ? ErrorKind.BuildDeadlineExceeded : ErrorKind.Cancelled;
            case "57P01":
            case "57P02":
            case "57P03":
                return ErrorKind.ServerShutdown;
            case "53100":
            case "53200":
            case "53300":
            case "53400":
                return ErrorKind.ResourceExhausted;
            default:
                break;
        }
        if (state.startsWith("08")) {
            return ErrorKind.ConnectionLost;
        }
        // 42601 syntax, 42883 undefined function, 42704 undefined object (opclass, collation, tablespace),
        // 42P17 non-immutable function in an index, 42804/42846 type problems, 22023 bad storage parameter,
        // 42P10 invalid column reference, 22P02 invalid text representation ...
        if (state.startsWith("42") || state.startsWith("22")) {
            return ErrorKind.InvalidDefinition;
        }
        return ErrorKind.BuildFailed;
    }

    /** What a resource failure of a build means, in words (empty for other failures). */
    static String plainly(String state, String quotedRole) {
        if ("53400".equals(state)) {
            return " [the build's sort wrote more temporary files than temp_file_limit allows: raise temp_file_limit "
                    + "for " + operatorsRole(quotedRole) + ", or give the build more memory with "
                    + "spec.buildSettings.maintenanceWorkMem]";
        }
        if ("42P05".equals(state) || "26000".equals(state)) {
            return " [the driver's prepared statements met another client's on one server connection: a connection "
                    + "pooler in transaction or statement mode sits between the operator and the database; point the "
                    + "Secret at the database itself or at a session-mode pool]";
        }
        if ("53100".equals(state)) {
            return " [the server's disk is full: free space, or build the index in another tablespace "
                    + "(spec.tablespace)]";
        }
        return "";
    }

    /** The server's message with DETAIL and HINT, one line. */
    public static String describe(SQLException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
            var sem = p.getServerErrorMessage();
            StringBuilder b = new StringBuilder(sem.getMessage() == null ? msg : sem.getMessage());
            if (sem.getDetail() != null) {
                b.append(" (").append(sem.getDetail()).append(')');
            }
            if (sem.getHint() != null) {
                b.append(" Hint: ").append(sem.getHint());
            }
            msg = b.toString();
        }
        msg = msg.replace('\n', ' ');
        return msg.length() > 1000 ? msg.substring(0, 1000) + "..." : msg;
    }
}
