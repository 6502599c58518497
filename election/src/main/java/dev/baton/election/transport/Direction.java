package dev.baton.election.transport;

/**
 * Which way a sealed frame travels on a connection. It is part of every frame MAC, so a frame cannot be
 * reflected back to the member that sent it.
 */
enum Direction {
    DIALER_TO_ACCEPTOR((byte) 0),
    ACCEPTOR_TO_DIALER((byte) 1);

    final byte wire;

    Direction(byte wire) {
        this.wire = wire;
    }

    Direction reverse() {
        return this == DIALER_TO_ACCEPTOR ? ACCEPTOR_TO_DIALER : DIALER_TO_ACCEPTOR;
    }
}
