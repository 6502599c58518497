package dev.baton.agent.dns;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on Netty's native epoll transport: {@code threads} sockets bound to the same address with SO_REUSEPORT
 * (the kernel spreads clients over them), each served by its own event-loop thread. A thread takes up to
 * {@code batch} datagrams in one recvmmsg call, answers each through {@link UdpExchange}, and hands the whole
 * batch of responses to one sendmmsg call, so the system-call cost, which dominates a cached answer, is shared.
 *
 * <p>All Netty classes are confined to this class and {@link #availability()}, so the JDK path never loads them.
 */
final class EpollUdpListener implements UdpListener {

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final UdpExchange exchange;
    private final DnsCounters counters;
    private final int threads;
    private final int batch;
    private final List<Channel> channels = new ArrayList<>();
    private EventLoopGroup group;

    /**
     * @param threads sockets (and threads) on the address
     * @param batch   datagrams received per recvmmsg call, and so at most sent per sendmmsg call
     */
    EpollUdpListener(UdpExchange exchange, DnsCounters counters, int threads, int batch) {
        this.exchange = exchange;
        this.counters = counters;
        this.threads = threads;
        this.batch = batch;
    }

    /** Null when Netty's epoll transport can be used here, else why not (its own explanation). */
    static Throwable availability() {
        return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address) throws IOException {
        SocketProtocolFamily family = address.getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        group = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("baton-dns-udp-" + address, true), EpollIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channelFactory(() -> new EpollDatagramChannel(family))
                // Several sockets on one port, one per thread; the kernel hashes each client to one of them.
                .option(EpollChannelOption.SO_REUSEPORT, threads > 1)
                .option(ChannelOption.SO_RCVBUF, JdkUdpListener.RECEIVE_BUFFER_BYTES)
                // recvmmsg: the receive buffer holds `batch` slots of MAX_QUERY_BYTES, one datagram each, and one
                // read round takes at most `batch` datagrams before the responses are flushed.
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, UdpExchange.MAX_QUERY_BYTES)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new BatchAllocator(batch))
                .handler(new ChannelInitializer<EpollDatagramChannel>() {
                    @Override
                    protected void initChannel(EpollDatagramChannel channel) {
                        channel.pipeline().addLast(new Responder());
                    }
                });
        InetSocketAddress actual = address;
        for (int i = 0; i < threads; i++) {
            ChannelFuture bound = bootstrap.bind(actual).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                close();
                BindException e = new BindException(String.valueOf(bound.cause().getMessage()));
                e.initCause(bound.cause());
                throw e;
            }
            channels.add(bound.channel());
            // Port 0: the first socket takes a free port, the others join it.
            if (i == 0) actual = new InetSocketAddress(address.getAddress(),
                    ((InetSocketAddress) bound.channel().localAddress()).getPort());
        }
        return actual;
    }

    @Override
    public void start() {
        // Netty reads as soon as a channel is bound (auto-read): nothing more to start.
    }

    @Override
    public void close() {
        for (Channel c : channels) c.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        if (group != null) {
            group.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)
                    .awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * A fixed-size direct buffer whose memory the JDK frees once it is unreachable, so a buffer still held when a
     * channel closes cannot leak (Netty frees its own direct buffers only on release).
     */
    private static ByteBuf directBuffer(int bytes) {
        return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes)).clear();
    }

    /**
     * Receive buffers of {@code batch} slots of {@link UdpExchange#MAX_QUERY_BYTES}, one datagram each, and a read
     * round that ends as soon as one recvmmsg call returns fewer datagrams than it had room for: the socket is then
     * most likely drained, and asking again would cost a system call that finds nothing (Netty's epoll is level
     * triggered, so a datagram that arrives meanwhile wakes the loop again).
     *
     * <p>Each channel reuses one receive buffer: Netty hands out slices of it, {@link Responder} releases each
     * before the round ends, so the next round finds it free. Allocating it per round instead costs a fresh
     * zeroed 64 KiB (too large for the pooling allocator's reuse) and leak-detection stack traces, which measured
     * more than the system calls batching saves.
     */
    private static final class BatchAllocator extends DefaultMaxMessagesRecvByteBufAllocator {
        private final int bufferBytes;

        BatchAllocator(int batch) {
            super(batch);
            this.bufferBytes = UdpExchange.MAX_QUERY_BYTES * batch;
        }

        @Override
        public Handle newHandle() {
            return new MaxMessageHandle() {
                private ByteBuf reusable;

                @Override
                public ByteBuf allocate(ByteBufAllocator alloc) {
                    // Still referenced (a slice not yet released): leave it to its holder, take a new one.
                    if (reusable == null || reusable.refCnt() != 1) {
                        if (reusable != null) reusable.release();
                        reusable = directBuffer(bufferBytes);
                    }
                    return reusable.clear().retain();
                }

                @Override
                public int guess() {
                    return bufferBytes;
                }

                @Override
                public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
                    // Netty counts a recvmmsg call as slots-filled x slot size against the whole buffer.
                    return lastBytesRead() == attemptedBytesRead() && super.continueReading(maybeMoreData);
                }
            };
        }
    }

    /**
     * One per socket, so only its event-loop thread touches its buffers. Responses are written as their queries
     * are read, and flushed once the read round ends: Netty then sends them with one sendmmsg call.
     */
    private final class Responder extends ChannelInboundHandlerAdapter {
        private final byte[] in = new byte[UdpExchange.MAX_QUERY_BYTES];
        private final byte[] out = new byte[UdpExchange.MAX_RESPONSE_BYTES];
        /**
         * The round's responses, back to back; each DatagramPacket holds a slice. Reused when every slice has been
         * sent and released by the time the round ends (the usual case), replaced otherwise.
         */
        private ByteBuf responses = newResponseSlab();
        /** When each query with a response written since the last flush was received, for the answer timer. */
        private long[] pendingReceivedAt = new long[batch];
        private int pending;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                long receivedAt = exchange.receivedAt();
                ByteBuf content = packet.content();
                int length = Math.min(content.readableBytes(), in.length);
                content.getBytes(content.readerIndex(), in, 0, length);
                int responseLength = exchange.respond(in, length, packet.sender(), out);
                // A full socket buffer drops the response, as the kernel drops a datagram: UDP has no backlog.
                if (responseLength == 0 || !ctx.channel().isWritable()) return;
                if (responses.writableBytes() < responseLength) replaceResponseSlab();
                int at = responses.writerIndex();
                responses.writeBytes(out, 0, responseLength);
                ctx.write(new DatagramPacket(responses.retainedSlice(at, responseLength), packet.sender()),
                        ctx.voidPromise());
                if (pending == pendingReceivedAt.length) {
                    pendingReceivedAt = Arrays.copyOf(pendingReceivedAt, pending * 2);
                }
                pendingReceivedAt[pending++] = receivedAt;
            } catch (RuntimeException e) {
                counters.internalError("UDP message", e);
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (responses.refCnt() == 1) {
                responses.clear();
            } else {
                replaceResponseSlab(); // some responses still wait for the socket
            }
            try {
                for (int i = 0; i < pending; i++) exchange.sent(pendingReceivedAt[i]);
            } catch (RuntimeException e) { // from the answer timer
                counters.internalError("UDP message", e);
            } finally {
                pending = 0;
            }
        }

        private ByteBuf newResponseSlab() {
            return directBuffer(UdpExchange.MAX_RESPONSE_BYTES * batch);
        }

        private void replaceResponseSlab() {
            responses.release();
            responses = newResponseSlab();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            responses.release();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                // e.g. a send refused for an unroutable source: the client's problem, not ours (as on the JDK path)
                log.debug("UDP I/O on {} failed: {}", ctx.channel().localAddress(), cause.toString());
            } else {
                counters.internalError("UDP channel", cause);
            }
        }
    }
}
