/**
 * The HTTP/1.1 client behind plain {@code http://} health checks: {@link dev.baton.agent.check.http.PlainHttpClient}
 * runs every exchange on one selector thread, with one kept-alive connection per caller
 * ({@link dev.baton.agent.check.http.PlainHttpClient.Session}); {@link dev.baton.agent.check.http.ResponseParser}
 * reads a response incrementally (Content-Length, chunked or close-delimited, interim 1xx skipped) and keeps only
 * the status and the first bytes of the body. TCP checks connect through it too. It exists for cost: thousands
 * of checks per second on one core, and no thread held by a target that does not answer.
 */
package dev.baton.agent.check.http;
