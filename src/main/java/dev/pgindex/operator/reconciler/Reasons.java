package dev.pgindex.operator.reconciler;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ErrorKind;

import java.util.Optional;

/** The condition reason of each error kind, by an exhaustive switch (never by spelling), and a safe parse. */
public final class Reasons {
    private Reasons() {
    }

    public static Reason of(ErrorKind kind) {
        return switch (kind) {
            case UniqueViolation -> Reason.UniqueViolation;
            case TableNotFound -> Reason.TableNotFound;
            case ColumnNotFound -> Reason.ColumnNotFound;
            case InvalidDefinition -> Reason.InvalidDefinition;
            case InsufficientPrivilege -> Reason.InsufficientPrivilege;
            case AuthenticationFailed -> Reason.AuthenticationFailed;
            case DatabaseNotFound -> Reason.DatabaseNotFound;
            case NameConflict -> Reason.NameConflict;
            case UnsupportedFeature -> Reason.UnsupportedFeature;
            case PoolerNotSupported -> Reason.PoolerNotSupported;
            case Deadlock -> Reason.Deadlock;
            case LockTimeout -> Reason.LockTimeout;
            case Cancelled -> Reason.Cancelled;
            case BuildDeadlineExceeded -> Reason.BuildDeadlineExceeded;
            case ServerShutdown -> Reason.ServerShutdown;
            case ConnectionLost -> Reason.ConnectionLost;
            case ResourceExhausted -> Reason.ResourceExhausted;
            case BuildFailed -> Reason.BuildFailed;
        };
    }

    /**
     * A reason stored in status (status.lastError.reason) by this or an older operator; a name the code no
     * longer knows reads as {@code fallback} instead of failing the reconcile.
     */
    public static Reason parse(String stored, Reason fallback) {
        return Optional.ofNullable(stored).flatMap(s -> {
            for (Reason r : Reason.values()) {
                if (r.name().equals(s)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }).orElse(fallback);
    }
}
