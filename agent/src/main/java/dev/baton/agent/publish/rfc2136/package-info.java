/**
 * The {@code rfc2136} publisher: keeps one record at a zone's primary pointing at the active instance by DNS
 * UPDATE (RFC 2136), each UPDATE conditional on the fence TXT record {@code _baton-fence.<record>} it read, so
 * an old leader's late write fails at the server instead of overwriting a newer one.
 *
 * <p>{@link dev.baton.agent.publish.rfc2136.Rfc2136Publisher} decides; {@code ZonePrimary} is the thin I/O
 * adapter (TCP, TSIG sign and verify, rcode checks); {@code PublishedRecord} is what a read found.
 */
package dev.baton.agent.publish.rfc2136;
