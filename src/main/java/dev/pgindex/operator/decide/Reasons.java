package dev.pgindex.operator.decide;

import dev.pgindex.operator.api.v1alpha1.Reason;
import dev.pgindex.operator.postgres.ErrorKind;

/** The condition reason of each error kind, by an exhaustive switch (never by spelling). */
public final class Reasons {
    private Reasons() {
    }

    public static Reason of(ErrorKind kind) {
        return switch (kind) {
            case UniqueViolation -> Reason.UniqueViolation;
            case ConstraintViolation -> Reason.ViolationsFound;
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
}
