package dev.pgindex.operator.postgres;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlErrorsTest {
    @ParameterizedTest
    @CsvSource({
        "23505, x, UniqueViolation, false",
        "42P01, x, TableNotFound, false",
        "42703, x, ColumnNotFound, false",
        "42501, x, InsufficientPrivilege, false",
        "42P07, x, NameConflict, false",
        "28P01, x, AuthenticationFailed, false",
        "3D000, x, DatabaseNotFound, false",
        "42P17, x, InvalidDefinition, false",
        "42704, x, InvalidDefinition, false",
        "22023, x, InvalidDefinition, false",
        "0A000, x, UnsupportedFeature, false",
        "42P05, prepared statement \"S_1\" already exists, PoolerNotSupported, false",
        "26000, prepared statement \"S_1\" does not exist, PoolerNotSupported, false",
        "40P01, x, Deadlock, true",
        "55P03, x, LockTimeout, true",
        "57014, canceling statement due to user request, Cancelled, true",
        "57014, canceling statement due to statement timeout, BuildDeadlineExceeded, true",
        "57P01, x, ServerShutdown, true",
        "08006, x, ConnectionLost, true",
        "53300, x, ResourceExhausted, true",
        "XX000, x, BuildFailed, true",
    })
    void shouldClassifyBySqlState(String state, String message, ErrorKind kind, boolean transientError) {
        SqlErrors.Failure f = SqlErrors.classify(new SQLException(message, state));
        assertThat(f.kind()).isEqualTo(kind);
        assertThat(f.isTransient()).isEqualTo(transientError);
        assertThat(f.sqlState()).isEqualTo(state);
    }
}
