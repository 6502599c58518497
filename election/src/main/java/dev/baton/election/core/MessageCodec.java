package dev.baton.election.core;

import dev.baton.election.core.Message.AppData;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.AppendAck;
import dev.baton.election.core.Message.FetchLog;
import dev.baton.election.core.Message.HandOver;
import dev.baton.election.core.Message.LogSuffix;
import dev.baton.election.core.Message.Ping;
import dev.baton.election.core.Message.Pong;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.Promise;
import dev.baton.election.core.Message.Refuse;
import dev.baton.election.core.Message.Release;
import dev.baton.election.core.Message.View;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.Snapshot;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The one hand-written codec for protocol messages: a tag byte, then fixed-width big-endian fields; byte
 * arrays and lists are length-prefixed. Decoding checks every length against what remains, rejects
 * trailing bytes and out-of-range values, and throws {@link MalformedMessageException}, never anything else.
 * The transport below authenticates the bytes; this layer only makes sure they mean something.
 */
public final class MessageCodec {
    private static final byte PING = 1, PONG = 2, PREPARE = 3, PROMISE = 4, REFUSE = 5, APPEND = 6, APPEND_ACK = 7,
            FETCH_LOG = 8, LOG_SUFFIX = 9, RELEASE = 10, HAND_OVER = 11, APP_DATA = 12;

    private MessageCodec() {
    }

    public static byte[] encode(Message message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            if (message instanceof Ping m) {
                out.writeByte(PING);
                out.writeLong(m.incarnation());
                out.writeLong(m.sentNanos());
                writeView(out, m.view());
            } else if (message instanceof Pong m) {
                out.writeByte(PONG);
                out.writeLong(m.incarnation());
                out.writeLong(m.echoNanos());
                writeView(out, m.view());
            } else if (message instanceof Prepare m) {
                out.writeByte(PREPARE);
                out.writeLong(m.term());
                out.writeLong(m.incarnation());
                out.writeLong(m.sentNanos());
                out.writeLong(m.lastIndex());
            } else if (message instanceof Promise m) {
                out.writeByte(PROMISE);
                out.writeLong(m.term());
                out.writeLong(m.incarnation());
                out.writeLong(m.echoNanos());
                out.writeLong(m.lastIndex());
                out.writeLong(m.lastTerm());
                out.writeLong(m.commitIndex());
            } else if (message instanceof Refuse m) {
                out.writeByte(REFUSE);
                out.writeLong(m.term());
                out.writeLong(m.incarnation());
                out.writeLong(m.echoNanos());
                out.writeLong(m.currentTerm());
                out.writeLong(m.retryAfterNanos());
                out.writeInt(m.leaderId());
            } else if (message instanceof Append m) {
                out.writeByte(APPEND);
                out.writeLong(m.term());
                out.writeLong(m.incarnation());
                out.writeLong(m.sentNanos());
                out.writeLong(m.prevIndex());
                out.writeLong(m.prevTerm());
                out.writeLong(m.leaderCommit());
                writeSnapshot(out, m.snapshot());
                writeEntries(out, m.entries());
            } else if (message instanceof AppendAck m) {
                out.writeByte(APPEND_ACK);
                out.writeLong(m.term());
                out.writeLong(m.incarnation());
                out.writeLong(m.echoNanos());
                out.writeBoolean(m.success());
                out.writeLong(m.matchIndex());
                out.writeLong(m.lastIndex());
            } else if (message instanceof FetchLog m) {
                out.writeByte(FETCH_LOG);
                out.writeLong(m.term());
                out.writeLong(m.fromIndex());
                out.writeLong(m.expectLastIndex());
                out.writeLong(m.expectLastTerm());
            } else if (message instanceof LogSuffix m) {
                out.writeByte(LOG_SUFFIX);
                out.writeLong(m.term());
                out.writeBoolean(m.ok());
                writeSnapshot(out, m.snapshot());
                writeEntries(out, m.entries());
            } else if (message instanceof Release m) {
                out.writeByte(RELEASE);
                out.writeLong(m.term());
            } else if (message instanceof HandOver m) {
                out.writeByte(HAND_OVER);
                out.writeLong(m.term());
            } else if (message instanceof AppData m) {
                out.writeByte(APP_DATA);
                writeBytes(out, m.data());
            } else {
                throw new IllegalArgumentException("unknown message " + message);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    public static Message decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            if (!in.hasRemaining()) throw new MalformedMessageException("empty message");
            byte tag = in.get();
            Message m = switch (tag) {
                case PING -> new Ping(in.getLong(), in.getLong(), readView(in));
                case PONG -> new Pong(in.getLong(), in.getLong(), readView(in));
                case PREPARE -> new Prepare(term(in), in.getLong(), in.getLong(), index(in));
                case PROMISE -> new Promise(term(in), in.getLong(), in.getLong(), index(in), term(in), index(in));
                case REFUSE -> new Refuse(term(in), in.getLong(), in.getLong(), term(in), nonNegative(in, "retry"),
                        in.getInt());
                case APPEND -> new Append(term(in), in.getLong(), in.getLong(), index(in), term(in), index(in),
                        readSnapshot(in), readEntries(in));
                case APPEND_ACK -> new AppendAck(term(in), in.getLong(), in.getLong(), bool(in), index(in), index(in));
                case FETCH_LOG -> new FetchLog(term(in), index(in), index(in), term(in));
                case LOG_SUFFIX -> new LogSuffix(term(in), bool(in), readSnapshot(in), readEntries(in));
                case RELEASE -> new Release(term(in));
                case HAND_OVER -> new HandOver(term(in));
                case APP_DATA -> new AppData(readBytes(in));
                default -> throw new MalformedMessageException("unknown message tag " + tag);
            };
            if (in.hasRemaining()) throw new MalformedMessageException(in.remaining() + " trailing bytes after " + m.getClass().getSimpleName());
            return m;
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("truncated message");
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedMessageException("invalid field: " + e.getMessage());
        }
    }

    private static void writeView(DataOutputStream out, View v) throws IOException {
        out.writeLong(v.term());
        out.writeInt(v.leaderId());
        out.writeLong(v.leaderContactAgoNanos());
        out.writeLong(v.commitIndex());
        out.writeLong(v.lastIndex());
        out.writeByte((v.seesMajority() ? 1 : 0) | (v.amnesiac() ? 2 : 0));
    }

    private static View readView(ByteBuffer in) {
        long term = term(in);
        int leader = in.getInt();
        long contactAgo = in.getLong();
        long commit = index(in);
        long last = index(in);
        byte flags = in.get();
        if ((flags & ~3) != 0) throw new MalformedMessageException("unknown view flags " + flags);
        return new View(term, leader, contactAgo, commit, last, (flags & 1) != 0, (flags & 2) != 0);
    }

    private static void writeSnapshot(DataOutputStream out, Snapshot s) throws IOException {
        out.writeBoolean(s != null);
        if (s == null) return;
        out.writeLong(s.index());
        out.writeLong(s.term());
        writeBytes(out, s.data());
    }

    private static Snapshot readSnapshot(ByteBuffer in) {
        if (!bool(in)) return null;
        return new Snapshot(index(in), term(in), readBytes(in));
    }

    private static void writeEntries(DataOutputStream out, List<LogEntry> entries) throws IOException {
        out.writeInt(entries.size());
        for (LogEntry e : entries) {
            out.writeLong(e.index());
            out.writeLong(e.term());
            out.writeByte(e.kind().code);
            writeBytes(out, e.data());
        }
    }

    private static List<LogEntry> readEntries(ByteBuffer in) {
        int n = in.getInt();
        // Each entry takes at least 21 bytes: a count beyond what remains is a lie, not an allocation.
        if (n < 0 || n > in.remaining() / 21) throw new MalformedMessageException("bad entry count " + n);
        List<LogEntry> entries = new ArrayList<>(n);
        long expected = -1;
        for (int i = 0; i < n; i++) {
            LogEntry e = new LogEntry(in.getLong(), in.getLong(), LogEntry.Kind.ofCode(in.get()), readBytes(in));
            if (expected != -1 && e.index() != expected) throw new MalformedMessageException("entries not contiguous");
            expected = e.index() + 1;
            entries.add(e);
        }
        return entries;
    }

    private static void writeBytes(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) throw new MalformedMessageException("bad byte length " + n);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static long term(ByteBuffer in) {
        return nonNegative(in, "term");
    }

    private static long index(ByteBuffer in) {
        return nonNegative(in, "index");
    }

    private static long nonNegative(ByteBuffer in, String what) {
        long v = in.getLong();
        if (v < 0) throw new MalformedMessageException("negative " + what + " " + v);
        return v;
    }

    private static boolean bool(ByteBuffer in) {
        byte b = in.get();
        if (b != 0 && b != 1) throw new MalformedMessageException("bad boolean " + b);
        return b == 1;
    }
}
