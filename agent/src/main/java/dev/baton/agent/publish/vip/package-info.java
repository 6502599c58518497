/**
 * The {@code vip} publisher: a virtual IP on a local Linux interface, held by the node that
 * {@link dev.baton.agent.publish.Intent#holdHere() should hold it}, through iproute2 and arping
 * ({@link dev.baton.agent.publish.vip.VipPublisher}).
 */
package dev.baton.agent.publish.vip;
