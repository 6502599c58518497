package dev.baton.election.storage;

/**
 * Whether a node must still recover what a lost disk made it forget, stored with the term (see
 * {@code ElectionCore}'s recovery rule). Durable so that a node restarted before it caught up is still known to
 * have forgotten: an empty data directory is evidence only at the first start after the loss.
 */
public enum RecoveryState {
    /** The node holds everything it ever acknowledged. */
    NONE(0),
    /**
     * The node lost its data directory and has not yet caught up to a commit index a majority confirmed: it
     * neither promises nor stands (except in a brand-new cluster whose members all have empty logs).
     */
    AMNESIAC(1),
    /**
     * An operator ran {@code baton recover --force-new-cluster} here: at its next start the node counts as a
     * majority of one until a real majority holds its first entry of a new term (see
     * {@link FileStorage#forceNewCluster}).
     */
    FORCED_NEW_CLUSTER(2);

    /** The byte stored in the state file. */
    final int code;

    RecoveryState(int code) {
        this.code = code;
    }

    static RecoveryState ofCode(int code) {
        for (RecoveryState s : values()) if (s.code == code) return s;
        return null;
    }
}
