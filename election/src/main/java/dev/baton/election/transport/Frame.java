package dev.baton.election.transport;

/** The frames {@link FrameCodec} decodes. Layouts are described in {@code package-info.java}. */
sealed interface Frame {

    /** Dialer's opening: its id and a fresh nonce. */
    record Hello(int senderId, byte[] nonce) implements Frame {
    }

    /** Acceptor's answer to a hello: its id and its own fresh nonce. */
    record Welcome(int senderId, byte[] nonce) implements Frame {
    }

    /** Dialer's proof that it holds the key and saw the acceptor's nonce; completes the handshake. */
    record Confirm(int senderId, long seq) implements Frame {
    }

    /** An application payload. */
    record Data(int senderId, long seq, byte[] payload) implements Frame {
    }
}
