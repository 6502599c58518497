/**
 * Health checks run on every Baton node (each node is a vantage point).
 *
 * <p>{@link dev.baton.agent.check.CheckSpec} says what to check; {@link dev.baton.agent.check.ProbeFactory}
 * turns it into a {@link dev.baton.agent.check.Probe} (plain HTTP through
 * {@link dev.baton.agent.check.http.PlainHttpClient}, HTTPS through the JDK's client, TCP connect, exec) that yields a
 * {@link dev.baton.agent.check.ProbeResult} per run; {@link dev.baton.agent.check.HealthTracker} is the pure
 * rise/fall state machine; {@link dev.baton.agent.check.CheckRunner} schedules the probes of many instances
 * with offsets and jitter on a few threads and reports changes of
 * {@link dev.baton.agent.check.InstanceHealth} to a {@link dev.baton.agent.check.HealthListener}.
 *
 * <p>The probes are thin adapters tested against real sockets and processes on loopback; the tracker is tested
 * without either.
 */
package dev.baton.agent.check;
