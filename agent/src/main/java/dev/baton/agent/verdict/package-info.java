/**
 * From the nodes' health observations to one verdict per instance.
 *
 * <ul>
 *   <li>{@link dev.baton.agent.verdict.InstanceHealth}: up, down or unknown.</li>
 *   <li>{@link dev.baton.agent.verdict.NodeView}: one node's latest observations and when the leader received
 *   them.</li>
 *   <li>{@link dev.baton.agent.verdict.QuorumVerdict}: the pure function from views, cluster size, leader id,
 *   vantage and time to a {@link dev.baton.agent.verdict.Verdict} (health and the counts behind it); its Javadoc
 *   defines each vantage precisely.</li>
 * </ul>
 * Nothing here reads a clock, opens a socket or starts a thread.
 */
package dev.baton.agent.verdict;

import dev.baton.agent.check.InstanceHealth;
