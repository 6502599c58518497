package dev.baton.election.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.function.IntPredicate;

/**
 * The three-frame handshake: hello (dialer) → welcome (acceptor) → confirm (dialer). The confirm is MACed
 * over both fresh nonces, so a recorded hello replayed by someone without the key never yields a connection
 * (and so can never displace a real one in the tie-break). Before it completes, frames are capped at
 * {@link FrameCodec#HANDSHAKE_BODY_BYTES}: an unauthenticated peer cannot make us allocate more.
 */
final class Handshake {
    private Handshake() {
    }

    /** Runs the dialer's side; returns the session once the acceptor proved it is {@code peerId}. */
    static Session dial(DataInputStream in, OutputStream out, FrameCodec codec, int selfId, int peerId,
                        SecureRandom random) throws IOException, FrameRejectedException {
        Frame.Hello hello = new Frame.Hello(selfId, nonce(random));
        out.write(codec.encodeHello(hello));
        out.flush();
        Frame.Welcome welcome = codec.decodeWelcome(readHandshakeBody(in), hello);
        if (welcome.senderId() != peerId) {
            throw new FrameRejectedException(DropReason.UNKNOWN_SENDER,
                    "dialed member " + peerId + " but member " + welcome.senderId() + " answered");
        }
        Session session = new Session(selfId, hello.nonce(), peerId, welcome.nonce());
        out.write(codec.encodeConfirm(session));
        out.flush();
        return session;
    }

    /** Runs the acceptor's side; returns the session once the dialer, a member in {@code isPeer}, confirmed. */
    static Session accept(DataInputStream in, OutputStream out, FrameCodec codec, int selfId, IntPredicate isPeer,
                          SecureRandom random) throws IOException, FrameRejectedException {
        Frame.Hello hello = codec.decodeHello(readHandshakeBody(in));
        if (!isPeer.test(hello.senderId())) {
            throw new FrameRejectedException(DropReason.UNKNOWN_SENDER,
                    "hello from " + hello.senderId() + ", which is not a peer of member " + selfId);
        }
        Frame.Welcome welcome = new Frame.Welcome(selfId, nonce(random));
        out.write(codec.encodeWelcome(welcome, hello));
        out.flush();
        Session session = new Session(hello.senderId(), hello.nonce(), selfId, welcome.nonce());
        Frame confirm = codec.decodeSealed(readHandshakeBody(in), session, Direction.DIALER_TO_ACCEPTOR, -1);
        if (!(confirm instanceof Frame.Confirm)) {
            throw new FrameRejectedException(DropReason.MALFORMED, "expected a confirm, got " + confirm);
        }
        return session;
    }

    private static byte[] readHandshakeBody(DataInputStream in) throws IOException, FrameRejectedException {
        byte[] body = FrameIo.readBody(in, FrameCodec.MIN_MAX_FRAME_BYTES);
        if (body == null) {
            throw new IOException("connection closed during the handshake");
        }
        return body;
    }

    private static byte[] nonce(SecureRandom random) {
        byte[] nonce = new byte[FrameCodec.NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }
}
