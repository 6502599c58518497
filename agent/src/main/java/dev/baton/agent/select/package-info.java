/**
 * Which instance a service publishes: {@link dev.baton.agent.select.Selector} is a pure function of a
 * {@link dev.baton.agent.select.SelectionInput} (config, active instance, verdicts, up-since times, operator
 * {@link dev.baton.agent.select.Overrides}, now) to a {@link dev.baton.agent.select.Selection} with a
 * human-readable reason. {@link dev.baton.agent.select.UpSinceTracker} keeps the up-since times on the leader.
 */
package dev.baton.agent.select;
