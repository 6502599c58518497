package dev.baton.election.core;

import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.View;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.Snapshot;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The protocol codec: every message round-trips; no input makes it throw anything but its own rejection. */
class MessageCodecTest {

    @Property(tries = 300)
    void everyMessageRoundTrips(@ForAll("messages") Message m) {
        assertThat(MessageCodec.decode(MessageCodec.encode(m))).usingRecursiveComparison().isEqualTo(m);
    }

    @Property(tries = 2000)
    void garbageIsRejectedCleanly(@ForAll @Size(max = 200) byte[] junk) {
        try {
            Message m = MessageCodec.decode(junk);
            // Whatever decodes must encode back to exactly the same bytes: nothing half-accepted.
            assertThat(MessageCodec.encode(m)).isEqualTo(junk);
        } catch (MalformedMessageException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 1000)
    void mutatedMessagesAreRejectedOrReencodeIdentically(@ForAll("messages") Message m, @ForAll int position,
                                                          @ForAll byte value, @ForAll boolean truncate) {
        byte[] bytes = MessageCodec.encode(m);
        int at = Math.floorMod(position, bytes.length);
        byte[] mutated = truncate ? java.util.Arrays.copyOf(bytes, at) : bytes.clone();
        if (!truncate) mutated[at] = value;
        try {
            assertThat(MessageCodec.encode(MessageCodec.decode(mutated))).isEqualTo(mutated);
        } catch (MalformedMessageException expected) {
            // rejected, as it should be for most mutations
        }
    }

    @org.junit.jupiter.api.Test
    void aLyingEntryCountDoesNotAllocate() {
        byte[] bytes = MessageCodec.encode(new Append(1, 2, 3, 0, 0, 0, null, List.of()));
        // The entry count is the last 4 bytes: claim two billion entries in an empty message.
        bytes[bytes.length - 4] = 0x7f;
        assertThatThrownBy(() -> MessageCodec.decode(bytes)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("entry count");
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Long> n = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Long> any = Arbitraries.longs();
        Arbitrary<Integer> id = Arbitraries.integers().between(0, 100);
        Arbitrary<View> view = net.jqwik.api.Combinators.combine(n, id, n, n, n, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(View::new);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<Snapshot> snapshot = net.jqwik.api.Combinators.combine(n, n, data).as(Snapshot::new).injectNull(0.5);
        Arbitrary<List<LogEntry>> entries = net.jqwik.api.Combinators.combine(
                Arbitraries.longs().between(1, 1000), Arbitraries.longs().between(1, 50),
                data.list().ofMaxSize(5)).as((first, term, payloads) -> {
                    List<LogEntry> out = new ArrayList<>();
                    for (int i = 0; i < payloads.size(); i++) {
                        out.add(new LogEntry(first + i, term, i % 2 == 0 ? LogEntry.Kind.DATA : LogEntry.Kind.NOOP, payloads.get(i)));
                    }
                    return out;
                });
        return Arbitraries.oneOf(List.of(
                net.jqwik.api.Combinators.combine(any, any, view).as(Message.Ping::new),
                net.jqwik.api.Combinators.combine(any, any, view).as(Message.Pong::new),
                net.jqwik.api.Combinators.combine(n, any, any, n).as(Message.Prepare::new),
                net.jqwik.api.Combinators.combine(n, any, any, n, n, n).as(Message.Promise::new),
                net.jqwik.api.Combinators.combine(n, any, any, n, n, id).as(Message.Refuse::new),
                net.jqwik.api.Combinators.combine(n, any, any, n, n, n, snapshot, entries).as(Append::new),
                net.jqwik.api.Combinators.combine(n, any, any, Arbitraries.of(true, false), n, n).as(Message.AppendAck::new),
                net.jqwik.api.Combinators.combine(n, n, n, n).as(Message.FetchLog::new),
                net.jqwik.api.Combinators.combine(n, Arbitraries.of(true, false), snapshot, entries).as(Message.LogSuffix::new),
                n.map(Message.Release::new),
                n.map(Message.HandOver::new),
                data.map(Message.AppData::new)));
    }
}
