package dev.baton.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-sent events of {@code GET /v1/events}: every applied decision, operator action and leader change,
 * fanned out to at most {@link #MAX_SUBSCRIBERS} subscribers, each with a queue of {@link #QUEUE_EVENTS}.
 * {@link #publish} never blocks: a subscriber whose queue is full is dropped (its connection closes; it
 * reconnects and reads {@code /v1/history} for what it missed), so a slow client never holds up the node.
 */
public final class EventStream {
    public static final int MAX_SUBSCRIBERS = 32;
    public static final int QUEUE_EVENTS = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * Queues {@code data} (serialised as JSON) as event {@code type} for every subscriber. Any thread; never
     * blocks.
     */
    public void publish(String type, Object data) {
        if (subscribers.isEmpty()) return;
        String frame;
        try {
            frame = "id: " + ids.incrementAndGet() + "\nevent: " + type + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data is not serialisable", e);
        }
        for (Subscriber s : subscribers) {
            if (!s.queue.offer(frame)) {
                s.dropped = true;
                subscribers.remove(s);
                dropped.incrementAndGet();
            }
        }
    }

    /** How many subscribers are connected. */
    public int subscribers() {
        return subscribers.size();
    }

    /** How many subscribers were dropped for falling behind. */
    public long droppedSubscribers() {
        return dropped.get();
    }

    /** A new subscriber, or null when {@link #MAX_SUBSCRIBERS} are connected. */
    Subscriber subscribe() {
        synchronized (subscribers) {
            if (subscribers.size() >= MAX_SUBSCRIBERS) return null;
            Subscriber s = new Subscriber();
            subscribers.add(s);
            return s;
        }
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    /** One connected client's queue of frames. */
    static final class Subscriber {
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_EVENTS);
        private volatile boolean dropped;

        /** The next frame, null after {@code millis} without one; the caller checks {@link #dropped()} first. */
        String next(long millis) throws InterruptedException {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        }

        boolean dropped() {
            return dropped;
        }
    }
}
