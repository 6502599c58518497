package dev.baton.agent.dns;

import java.util.Objects;
import java.util.Optional;

import org.xbill.DNS.Message;

/**
 * What {@link DnsAnswerer} decided for one received message.
 *
 * @param response     the response to send, or empty to send nothing (too short to carry a header, or itself a
 *                     response)
 * @param malformed    the received message could not be parsed or broke a rule of the protocol
 * @param maxUdpBytes  the largest UDP response the client accepts: 512 without EDNS (RFC 1035 §2.3.4), else
 *                     its advertised payload size clamped to [512, 1232]
 */
public record DnsReply(Optional<Message> response, boolean malformed, int maxUdpBytes) {

    /** Largest DNS message over TCP: the length prefix is 16 bits (RFC 1035 §4.2.2). */
    public static final int MAX_TCP_BYTES = 65535;

    static final DnsReply DROPPED_MALFORMED = new DnsReply(Optional.empty(), true, DnsAnswerer.MIN_UDP_PAYLOAD);

    public DnsReply {
        Objects.requireNonNull(response, "response");
    }

    /**
     * The response in wire format, truncated for the transport: dnsjava's {@code toWire(maxLength)} drops whole
     * RRsets that do not fit and sets TC when it drops any from the answer or authority section.
     *
     * @throws IllegalStateException when there is no response
     */
    public byte[] toWire(DnsTransport transport) {
        Message m = response.orElseThrow(() -> new IllegalStateException("no response to encode"));
        return m.toWire(transport == DnsTransport.UDP ? maxUdpBytes : MAX_TCP_BYTES);
    }

    /** The response's rcode including the EDNS extended bits, or -1 when nothing is sent. */
    public int rcode() {
        return response.map(Message::getRcode).orElse(-1);
    }

    /** Whether encoded bytes have the TC flag set. */
    public static boolean isTruncated(byte[] wire) {
        return wire.length >= 3 && (wire[2] & 0x02) != 0;
    }
}
