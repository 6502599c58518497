/**
 * What every child process Baton starts shares, whoever starts it (exec checks, exec hooks): a clean
 * environment without the agent's secrets, the first line of its output kept and the rest drained, and that line
 * made safe for a status line. Below {@code check} and {@code publish}, which both use it; it imports neither.
 */
package dev.baton.agent.process;
