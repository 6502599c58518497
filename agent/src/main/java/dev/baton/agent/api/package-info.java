/**
 * The HTTP API: {@link dev.baton.agent.api.ApiServer} (the JDK's HTTP/HTTPS server, routes, bearer token,
 * JSON errors), the {@link dev.baton.agent.api.NodeApi} it asks the node for documents and actions,
 * {@link dev.baton.agent.api.EventStream} for server-sent events, and {@link dev.baton.agent.api.PemTls}.
 * Depends on config and decision (data), never on the runtime: the runtime implements {@code NodeApi} and
 * starts the server, so the arrows point one way.
 */
package dev.baton.agent.api;
