package dev.baton.agent.dns;

import java.io.IOException;

/**
 * The JNI entry points of {@code libbatonudp.so} ({@code agent/src/main/c/baton_udp.c}): a UDP socket per thread,
 * batches received with one recvmmsg and answered with one sendmmsg. Call {@link NativeUdpLibrary#availability()}
 * first; these methods fail with {@link UnsatisfiedLinkError} until it has loaded the library.
 *
 * <p>A batch is {@code count} slots in native memory. {@link #receive} copies datagram {@code i} into the caller's
 * {@code in} array at {@code i * inSlot}, its metadata into {@code meta} at {@code i * META_INTS} and its source's
 * address into {@code addresses} at {@code i * ADDRESS_BYTES}; {@link #send} takes response {@code i} from
 * {@code out} at {@code i * outSlot}. Plain arrays rather than direct buffers: the JVM's checked accessors of a
 * direct buffer cost more per datagram than the JNI copies, most of all under the client compiler the agent
 * runs with.
 */
final class NativeUdp {

    /** Ints of metadata per datagram in {@link #receive}'s {@code meta}; must match baton_udp.c's META_*. */
    static final int META_INTS = 3;
    /** Bytes received into the slot, cut to the slot size. */
    static final int META_LENGTH = 0;
    /** The source port. */
    static final int META_PORT = 1;
    /** 4 (IPv4, also an IPv4-mapped source on an IPv6 socket, as the JDK reports it) or 16. */
    static final int META_ADDRESS_LENGTH = 2;
    /** Bytes per datagram in {@link #receive}'s {@code addresses}: room for an IPv6 address. */
    static final int ADDRESS_BYTES = 16;

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
     * Prepares a batch of {@code count} slots (1 to 1024) on {@code fd}: {@code inSlot} bytes per datagram
     * received, {@code outSlot} per response.
     *
     * @return the batch's handle
     */
    static native long newBatch(int fd, int inSlot, int outSlot, int count);

    /** Frees what {@link #newBatch} allocated; the handle is dead afterwards. */
    static native void freeBatch(long batch);

    /**
     * Blocks until at least one datagram is there (EINTR retried), then takes up to the batch's {@code count}
     * without waiting for more (recvmmsg with MSG_WAITFORONE), copying each into {@code in}, {@code meta} and
     * {@code addresses} (see the class comment; arrays too short are refused). One thread per batch.
     *
     * @return datagrams received, 0 once the socket has been {@link #shutdown}
     * @throws IOException with the errno text
     */
    static native int receive(long batch, byte[] in, int[] meta, byte[] addresses) throws IOException;

    /**
     * Sends, for each of the first {@code received} datagrams whose {@code responseLengths[i]} is positive, that
     * many bytes of {@code out} from {@code i * outSlot} to the datagram's source, with as few sendmmsg calls as
     * the kernel takes (a partial send is resumed; EINTR retried). Blocks while the socket's send buffer is full.
     * A datagram the kernel refuses is dropped, as the network would drop it.
     *
     * @return datagrams sent
     * @throws IOException when the socket itself is unusable
     */
    static native int send(long batch, int received, byte[] out, int[] responseLengths) throws IOException;
}
