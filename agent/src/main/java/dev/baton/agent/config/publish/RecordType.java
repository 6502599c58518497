package dev.baton.agent.config.publish;

/** The type of an external DNS record Baton maintains: A and AAAA need IP literals, CNAME a host name. */
public enum RecordType {
    A,
    AAAA,
    CNAME
}
