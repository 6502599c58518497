/**
 * The validated settings of each publisher kind ({@code services[].publish} and {@code leader.publish}), as
 * {@link dev.baton.agent.config.publish.PublisherConfig} records. Reading and validation live in
 * {@code dev.baton.agent.config}; the publishers themselves in {@code dev.baton.agent.publish.*}.
 */
package dev.baton.agent.config.publish;
