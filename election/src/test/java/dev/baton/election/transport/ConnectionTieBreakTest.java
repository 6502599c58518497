package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionTieBreakTest {
    @Test
    void theLowerIdsDialWinsOnBothMembers() {
        // Member 1 and member 2 each hold both connections (one dialed by 1, one by 2), in either order.
        assertThat(ConnectionTieBreak.freshWins(1, 2, 2, 1)).isTrue();
        assertThat(ConnectionTieBreak.freshWins(1, 2, 1, 2)).isFalse();
        assertThat(ConnectionTieBreak.freshWins(2, 1, 2, 1)).isTrue();
        assertThat(ConnectionTieBreak.freshWins(2, 1, 1, 2)).isFalse();
    }

    @Test
    void aRedialBySameMemberReplacesItsOldConnection() {
        assertThat(ConnectionTieBreak.freshWins(1, 2, 1, 1)).isTrue();
        assertThat(ConnectionTieBreak.freshWins(2, 1, 1, 1)).isTrue();
        assertThat(ConnectionTieBreak.freshWins(1, 2, 2, 2)).isTrue();
    }
}
