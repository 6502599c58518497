/**
 * Baton's embedded authoritative DNS server: every node answers for the service names of one zone from the
 * committed decisions, so clients find the one active instance of each service.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link dev.baton.agent.dns.ZoneSettings}: origin, TTL, SOA fields, NS names and optional glue.</li>
 *   <li>{@link dev.baton.agent.dns.AnswerTable}: an immutable, precomputed table built per decision from the
 *   settings, the SOA serial (decision index) and a map service name &rarr;
 *   {@link dev.baton.agent.dns.ServiceTarget}; published through an {@code AtomicReference}, so a query
 *   never waits.</li>
 *   <li>{@link dev.baton.agent.dns.DnsAnswerer}: the pure answering logic, bytes or a dnsjava {@code Message}
 *   in, a {@link dev.baton.agent.dns.DnsReply} out. dnsjava is used for the wire format only.</li>
 *   <li>{@link dev.baton.agent.dns.DnsServer}: UDP and TCP I/O on each listen address, with
 *   {@link dev.baton.agent.dns.DnsStats} counters.</li>
 * </ul>
 *
 * <h2>Fast path</h2>
 * The common UDP query (opcode QUERY, one IN question with an uncompressed name, at most an OPT record without
 * options) is recognized by a small hand-written parser and answered from bytes cached per table, keyed by
 * the lowercased name, qtype and EDNS state, with ID, RD, CD and the question's case copied from the query.
 * The cached bytes are what the full path (dnsjava) produced for the first such query, so both paths send
 * the same bytes; everything unusual, and answers too large for the client's UDP limit, take the full path.
 * Currentness is still consulted per query. See {@code bench/dns-throughput.sh} for the comparison with Knot
 * DNS.
 *
 * <h2>What is answered</h2>
 * <ul>
 *   <li>{@code <service>.<zone>}: an IPv4 target answers A, an IPv6 target AAAA, a host name a CNAME for
 *   every qtype (RFC 1034 §3.6.2), followed when it points to another name of the zone; the zone TTL; AA set.
 *   A service with no target exists but has no data.</li>
 *   <li>The apex answers SOA (serial from the table) and NS (glue in the additional section); in-zone NS names
 *   with glue answer their addresses.</li>
 *   <li>Negative answers carry the SOA in the authority section with TTL min(SOA minimum, ttl) (RFC 2308):
 *   NXDOMAIN when the name does not exist, NODATA (NOERROR, empty answer) when it exists without the type,
 *   including empty non-terminals (RFC 8020).</li>
 *   <li>REFUSED without AA outside the zone, for other classes and for zone transfers; NOTIMP for opcodes
 *   other than QUERY; FORMERR for what has a header but does not parse, or has QDCOUNT &ne; 1; nothing for
 *   what is shorter than a header or is itself a response. Names are case-insensitive.</li>
 *   <li>EDNS(0) (RFC 6891): an OPT record is echoed when the query has one (payload 1232, DO copied, extended
 *   rcode 0); version &ne; 0 gets BADVERS.</li>
 *   <li>Currentness: while the node is not current, service names (and unknown names) get SERVFAIL under
 *   {@link dev.baton.agent.dns.WhenIsolated#SERVFAIL} (the default) or the last table under
 *   {@link dev.baton.agent.dns.WhenIsolated#SERVE_LAST}; the apex and glue are always answered.</li>
 * </ul>
 *
 * <h2>Transports</h2>
 * UDP responses are at most 512 bytes without EDNS, else the client's payload clamped to [512, 1232]; larger
 * answers drop whole RRsets and set TC, and the client retries over TCP on the same port. TCP (RFC 7766):
 * length-prefixed, several queries per connection answered in order, an idle timeout, a bound on concurrent
 * connections (the excess is closed at once), responses up to 65535 bytes. No input stops the server: every
 * message is handled inside its own catch, and failures are counted. UDP runs on Baton's own native loop
 * (JNI, batches per recvmmsg/sendmmsg) where it loads, else on the JDK's {@code DatagramChannel}
 * ({@link dev.baton.agent.dns.UdpTransportChoice}); both go through one {@code UdpExchange}, so they send the
 * same bytes and count alike. UDP queries of 4096 bytes or more are counted malformed and not answered.
 */
package dev.baton.agent.dns;
