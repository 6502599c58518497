package dev.baton.agent.dns;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The JNI entry points of {@code libbatonudp.so} ({@code agent/src/main/c/baton_udp.c}): a UDP socket per thread,
 * batches received with one recvmmsg and answered with one sendmmsg. Call {@link NativeUdpLibrary#availability()}
 * first; these methods fail with {@link UnsatisfiedLinkError} until it has loaded the library.
 *
 * <p>A batch is {@code count} slots: slot {@code i} of {@code in} ({@code inSlot} bytes) takes one datagram, its
 * metadata sits at {@code i * META_BYTES} of {@code meta} (native byte order), and its response, if any, is taken
 * from slot {@code i} of {@code out} ({@code outSlot} bytes) and sent to the datagram's source.
 */
final class NativeUdp {

    /** Bytes of metadata per slot; the offsets below must match baton_udp.c's META_*. */
    static final int META_BYTES = 32;
    /** int: bytes received into the slot, cut to the slot size. */
    static final int META_LENGTH = 0;
    /** int: the source port. */
    static final int META_PORT = 4;
    /** int: 4 (IPv4, also an IPv4-mapped source on an IPv6 socket, as the JDK reports it) or 16. */
    static final int META_ADDRESS_LENGTH = 8;
    /** int, written by Java: bytes of the out slot to send back, 0 for nothing. */
    static final int META_RESPONSE_LENGTH = 12;
    /** The source address's 4 or 16 bytes. */
    static final int META_ADDRESS = 16;

    private NativeUdp() {
    }

    /**
     * Opens a UDP socket bound to {@code address} (4 or 16 bytes) and {@code port} (0: the kernel picks one).
     *
     * @param reusePort          SO_REUSEPORT, so further sockets may bind the same address
     * @param receiveBufferBytes SO_RCVBUF, best effort; 0 keeps the kernel's default
     * @return the socket's file descriptor
     * @throws java.net.BindException when the address cannot be bound (errno text in the message)
     * @throws IOException           when the socket cannot be made
     */
    static native int open(byte[] address, int scopeId, int port, boolean reusePort, int receiveBufferBytes)
            throws IOException;

    /** The port {@code fd} is bound to. */
    static native int localPort(int fd) throws IOException;

    /**
     * Wakes every thread blocked in {@link #receive} on {@code fd}, promptly; from then on {@link #receive}
     * returns 0 at once. (Closing an fd does not wake a thread blocked on it, on Linux.)
     */
    static native void shutdown(int fd) throws IOException;

    /** Closes {@code fd}; only once no thread can still use it. */
    static native void close(int fd) throws IOException;

    /**
     * Prepares a batch of {@code count} slots on {@code fd} over three direct buffers, which the caller keeps
     * reachable until {@link #freeBatch}.
     *
     * @return the batch's handle
     */
    static native long newBatch(int fd, ByteBuffer in, int inSlot, ByteBuffer out, int outSlot, ByteBuffer meta,
                                int count);

    /** Frees what {@link #newBatch} allocated; the handle is dead afterwards. */
    static native void freeBatch(long batch);

    /**
     * Blocks until at least one datagram is there (EINTR retried), then takes up to the batch's {@code count}
     * without waiting for more (recvmmsg with MSG_WAITFORONE), filling each slot's metadata. One thread per batch.
     *
     * @return datagrams received, 0 once the socket has been {@link #shutdown}
     * @throws IOException with the errno text
     */
    static native int receive(long batch) throws IOException;

    /**
     * Sends the response of each of the first {@code received} slots whose {@link #META_RESPONSE_LENGTH} is
     * positive, to its query's source, with as few sendmmsg calls as the kernel takes (a partial send is resumed;
     * EINTR retried). Blocks while the socket's send buffer is full. A datagram the kernel refuses is dropped, as
     * the network would drop it.
     *
     * @return datagrams sent
     * @throws IOException when the socket itself is unusable
     */
    static native int send(long batch, int received) throws IOException;
}
