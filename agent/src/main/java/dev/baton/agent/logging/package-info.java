/** Where and how the agent's log lines go: the {@code logging} section of the config, applied to Logback. */
package dev.baton.agent.logging;
