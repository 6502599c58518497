/**
 * The hook publishers: {@link dev.baton.agent.publish.hook.ExecHookPublisher} ({@code exec}: run a command
 * without a shell, with the decision as arguments and {@code BATON_*} variables in a clean environment) and
 * {@link dev.baton.agent.publish.hook.WebhookPublisher} ({@code webhook}: POST the decision as JSON).
 *
 * <p>A hook cannot be read back, so each publisher remembers the last intent it delivered
 * ({@link dev.baton.agent.publish.hook.DeliveryMemory}) and runs again only for a different one: delivery is
 * at-least-once (a new leader, or a restarted agent, delivers the current decision again), and receivers
 * dedupe on {@code term}/{@code index}. The pure parts (values, placeholders, JSON body, message text) are
 * tested without processes or sockets; the adapters against real processes and a loopback HTTP server.
 */
package dev.baton.agent.publish.hook;
