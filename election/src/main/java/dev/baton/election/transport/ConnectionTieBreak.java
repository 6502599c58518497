package dev.baton.election.transport;

/**
 * Which of two authenticated connections between the same pair of members survives. Both members apply the
 * same rule to the same two connections, so they agree without talking: the connection dialed by the lower
 * id wins (libab closed both on a simultaneous dial and waited 3 s to redial).
 */
final class ConnectionTieBreak {
    private ConnectionTieBreak() {
    }

    /**
     * Whether {@code fresh} replaces {@code current}, given who dialed each. When the same member dialed both,
     * it redialed because it gave the current one up, so the fresh one wins.
     */
    static boolean freshWins(int selfId, int peerId, int currentDialerId, int freshDialerId) {
        int lowerId = Math.min(selfId, peerId);
        boolean currentByLower = currentDialerId == lowerId;
        boolean freshByLower = freshDialerId == lowerId;
        if (currentByLower != freshByLower) {
            return freshByLower;
        }
        return true;
    }
}
