package dev.baton.agent.publish;

/**
 * One publisher: a level-triggered reconciler that makes one external (or node-local) thing match an
 * {@link Intent}. The engine ({@link PublishEngine}) calls {@link #reconcile} again whenever the intent changes,
 * after a failure (with capped exponential backoff and jitter), and every {@link #resyncMillis()} to catch
 * drift; a publisher keeps no promise beyond one call.
 *
 * <p>Threads: the engine never calls one publisher from two threads at once, and never waits for one
 * publisher on behalf of another, so a slow or failing publisher delays no other and never Baton's DNS.
 */
public interface Publisher extends AutoCloseable {
    /** The config key of this kind ({@code rfc2136}, {@code vip}, ...). */
    String kind();

    /** What it maintains, for status and logs, without secrets: {@code db.ext.example.com. A at 192.0.2.53:53}. */
    String target();

    /** Who acts: the leader alone under its lease (external writes), or every node for itself (VIP, role hooks). */
    Authority authority();

    /**
     * Reads what is published, and when it differs from {@code intent}, writes it (each write preceded by
     * {@link WriteGate#beforeWrite}) and confirms it by reading back. May block up to its configured timeouts;
     * responds to interruption (the engine interrupts on shutdown).
     *
     * @throws PublishException when the intent is not confirmed; the message names the problem
     */
    Outcome reconcile(Intent intent, WriteGate gate) throws PublishException, InterruptedException;

    /** How often to reconcile when nothing changes, to repair drift (someone edited the record by hand). */
    default long resyncMillis() {
        return 30_000;
    }

    /**
     * Releases resources (HTTP clients, sockets). An external publication stays as it is (the next leader
     * takes over from it); a node-local resource that only this process justified ({@link Authority#EVERY_NODE}:
     * a VIP it holds) is released, since a stopped node answers for nothing.
     */
    @Override
    default void close() {
    }

    enum Authority {
        /** External writes: only the leader reconciles, only while its lease is valid, fenced by term. */
        LEADER,
        /** Node-local actions: every node reconciles its own share, decided by {@link Intent#holdHere()}. */
        EVERY_NODE
    }
}
