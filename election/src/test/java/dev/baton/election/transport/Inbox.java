package dev.baton.election.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Receiver that records every payload, for assertions from the test thread. */
final class Inbox implements Transport.Receiver {
    record Message(int from, byte[] payload) {
        String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onPayload(int fromId, byte[] payload) {
        messages.add(new Message(fromId, payload));
    }

    /** Texts received from {@code from}, in arrival order. */
    List<String> textsFrom(int from) {
        return messages.stream().filter(m -> m.from() == from).map(Message::text).toList();
    }

    boolean hasText(int from, String text) {
        return textsFrom(from).contains(text);
    }
}
