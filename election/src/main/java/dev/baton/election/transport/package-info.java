/**
 * The authenticated TCP transport between the static members of a cluster ({@link
 * dev.baton.election.transport.TcpTransport}).
 *
 * <h2>Frames</h2>
 * Every frame is {@code length (4 bytes, big-endian) | body}, where {@code length} counts the body. A length
 * above the cap ({@code maxFrameBytes}, 16 MiB by default; 53 bytes before the handshake completes) or negative
 * is OVERSIZED: the connection is closed before anything is allocated. Bodies (integers big-endian):
 * <pre>
 *   hello    (dialer)    1 | dialer id (4)   | dialer nonce (16)   | mac (32)
 *   welcome  (acceptor)  2 | acceptor id (4) | acceptor nonce (16) | mac (32)
 *   confirm  (dialer)    3 | sender id (4)   | seq = 0 (8)         | mac (32)
 *   data     (either)    4 | sender id (4)   | seq (8) | payload   | mac (32)
 * </pre>
 * Each mac is HMAC-SHA256 under the cluster key over
 * {@code len(cluster name) (4) | cluster name (UTF-8) | length prefix (4) | body up to the mac | context}, where
 * the context is empty for a hello; the answered hello's dialer id and nonce for a welcome; and, for confirm and
 * data, {@code dialer id | dialer nonce | acceptor id | acceptor nonce | direction (0 = from the dialer,
 * 1 = from the acceptor)}. Macs are compared in constant time.
 *
 * <h2>Handshake</h2>
 * The dialer sends a hello with a fresh random nonce; the acceptor checks the mac (BAD_MAC: wrong key or
 * cluster name) and that the dialer is a configured member other than itself (UNKNOWN_SENDER), then answers
 * with a welcome carrying its own fresh nonce. The dialer checks the welcome's mac and that it comes from the
 * member it dialed, then sends a confirm; the acceptor accepts the connection only once the confirm verifies,
 * so a recorded hello replayed without the key never yields a connection. The whole exchange must finish within
 * {@code handshakeTimeout} (HANDSHAKE_TIMEOUT).
 *
 * <h2>Data</h2>
 * Sequence numbers start at 1 on each connection and direction and must strictly increase (REPLAY otherwise).
 * Because both nonces are in every mac, a frame recorded on an earlier connection fails with BAD_MAC; a frame
 * cut short is MALFORMED. Any rejected frame closes its connection; the peer redials at its configured address
 * with capped exponential backoff and full jitter.
 *
 * <h2>One connection per pair</h2>
 * Both members dial; when both connections authenticate, both members keep the one dialed by the lower id and
 * close the other (DUPLICATE_CONNECTION). The lower id keeps dialing while it holds only the higher id's
 * connection, so the steady state is always the lower id's dial.
 */
package dev.baton.election.transport;
