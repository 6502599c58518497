package dev.baton.election.transport;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/** Reads one length-prefixed frame body from a stream. */
final class FrameIo {
    private FrameIo() {
    }

    /**
     * Reads the next frame's body, or returns null on a clean end of stream before its first byte. The prefix
     * is checked against {@code cap} before the body is allocated; an end of stream inside the frame is
     * MALFORMED (a truncated frame).
     */
    static byte[] readBody(DataInputStream in, int cap) throws IOException, FrameRejectedException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        try {
            int prefix = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8)
                    | in.readUnsignedByte();
            byte[] body = new byte[FrameCodec.checkBodyLength(prefix, cap)];
            in.readFully(body);
            return body;
        } catch (EOFException e) {
            throw new FrameRejectedException(DropReason.MALFORMED, "stream ended inside a frame");
        }
    }
}
