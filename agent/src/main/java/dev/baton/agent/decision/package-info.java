/**
 * The replicated decision log's entries and the state every node builds from them.
 *
 * <ul>
 *   <li>{@link dev.baton.agent.decision.Decision}: service, instance (or none), term, reason, time, evidence.</li>
 *   <li>{@link dev.baton.agent.decision.DecisionCodec}: the versioned JSON log-entry format; bad bytes raise
 *   {@link dev.baton.agent.decision.DecisionFormatException}.</li>
 *   <li>{@link dev.baton.agent.decision.DecisionState}: applies committed entries in order, fences lower terms,
 *   keeps a bounded history, snapshots and restores; readers on any thread use an immutable
 *   {@link dev.baton.agent.decision.DecisionState.View}.</li>
 * </ul>
 */
package dev.baton.agent.decision;
