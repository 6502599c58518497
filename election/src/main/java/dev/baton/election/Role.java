package dev.baton.election;

/** A node's role in the election. A leader acts only once it has reported gained leadership. */
public enum Role {
    FOLLOWER, CANDIDATE, LEADER
}
