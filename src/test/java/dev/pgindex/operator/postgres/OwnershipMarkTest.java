package dev.pgindex.operator.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OwnershipMarkTest {
    @Test
    void shouldRoundTripAndIgnoreForeignComments() {
        OwnershipMark m = new OwnershipMark("uid-1", "ns/name", "abc", true);
        assertThat(m.render()).isEqualTo("pgindex-operator owner=uid-1 resource=ns/name spec=abc adopted=true");
        assertThat(OwnershipMark.parse(m.render())).contains(m);
        assertThat(OwnershipMark.parse("speeds up the dashboard")).isEmpty();
        assertThat(OwnershipMark.parse(null)).isEmpty();
        assertThat(OwnershipMark.parse("pgindex-operator resource=x")).isEmpty();
    }
}
