package dev.baton.agent.check.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Incremental parser of one HTTP/1.x response to a GET, fed the bytes as they arrive. It keeps only what a health
 * check judges: the status code and at most {@code bodyLimit} bytes of the body. It also tracks the message's
 * framing (Content-Length, chunked, or until the connection closes) to tell whether the connection can carry the
 * next request: only when the whole response was read and neither side asked to close.
 *
 * <p>Interim 1xx responses (100 Continue, 103 Early Hints) are skipped. The header section is capped at
 * {@value #MAX_HEADER_BYTES} bytes. Not thread-safe: one parser per exchange.
 */
public final class ResponseParser {
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** A body longer than this that nobody reads is not drained for the sake of keep-alive: the connection closes. */
    static final int MAX_DRAIN_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 1024;

    /** What the caller should do after {@link #feed}. */
    public enum Progress { NEED_MORE, DONE }

    private enum State { HEADERS, BODY_LENGTH, BODY_UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, DONE }

    private final boolean wantBody;
    private final int bodyLimit;

    private State state = State.HEADERS;
    private final StringBuilder line = new StringBuilder();
    private int headerBytes;
    private boolean statusSeen;
    private int status;
    private boolean http10;
    private boolean closeRequested;
    private boolean keepAliveRequested;
    private long contentLength = -1;
    private boolean chunked;
    private long remaining; // of the body (BODY_LENGTH) or of the current chunk (CHUNK_DATA)
    private long bodySeen;
    private boolean truncated;
    private byte[] body = new byte[0];
    private int bodySize;
    private boolean anyByte;

    /**
     * @param wantBody  whether the body is needed (collected up to {@code bodyLimit} bytes); when not, a body
     *                  is skipped, and one larger than {@value #MAX_DRAIN_BYTES} bytes is not read at all
     * @param bodyLimit how many body bytes to keep; once reached, the response counts as done (the connection
     *                  is then not reused)
     */
    public ResponseParser(boolean wantBody, int bodyLimit) {
        if (bodyLimit < 0) throw new IllegalArgumentException("bodyLimit must not be negative");
        this.wantBody = wantBody;
        this.bodyLimit = bodyLimit;
    }

    /** Whether any byte of the response has arrived (a reused connection that closes before that may be retried). */
    public boolean receivedAnything() {
        return anyByte;
    }

    /**
     * Consumes bytes from {@code in} (all of them unless the response ends earlier).
     *
     * @throws HttpProtocolException when the bytes are not a valid HTTP/1.x response
     */
    public Progress feed(ByteBuffer in) throws HttpProtocolException {
        if (in.hasRemaining()) anyByte = true;
        while (in.hasRemaining() && state != State.DONE) {
            switch (state) {
                case HEADERS -> headerByte(in.get());
                case BODY_LENGTH -> {
                    remaining -= take(in, (int) Math.min(remaining, in.remaining()));
                    if (remaining == 0) state = State.DONE;
                }
                case BODY_UNTIL_CLOSE -> take(in, in.remaining());
                case CHUNK_SIZE -> chunkSizeByte(in.get());
                case CHUNK_DATA -> {
                    remaining -= take(in, (int) Math.min(remaining, in.remaining()));
                    if (remaining == 0) state = State.CHUNK_DATA_END;
                }
                case CHUNK_DATA_END -> chunkDataEndByte(in.get());
                case TRAILERS -> trailerByte(in.get());
                default -> throw new IllegalStateException(state.name());
            }
            if (enoughBody()) {
                truncated = true;
                state = State.DONE;
            }
        }
        return state == State.DONE ? Progress.DONE : Progress.NEED_MORE;
    }

    /**
     * The connection was closed by the peer. A body delimited by the close is then complete.
     *
     * @throws HttpProtocolException when the response was cut short
     */
    public Progress endOfStream() throws HttpProtocolException {
        if (state == State.DONE) return Progress.DONE;
        if (state == State.BODY_UNTIL_CLOSE) {
            state = State.DONE;
            return Progress.DONE;
        }
        if (!anyByte) throw new HttpProtocolException("connection closed without a response");
        if (state == State.HEADERS) throw new HttpProtocolException("connection closed in the response headers");
        throw new HttpProtocolException("connection closed before the end of the response body");
    }

    /** The final status code; valid once {@link #feed} or {@link #endOfStream} returned DONE. */
    public int status() {
        return status;
    }

    /** The first body bytes, at most {@code bodyLimit} of them (none when the body was not wanted). */
    public byte[] body() {
        return Arrays.copyOf(body, bodySize);
    }

    /**
     * Whether the connection may carry another request: the response was read to its end, the server speaks
     * keep-alive (HTTP/1.1 without {@code Connection: close}, or HTTP/1.0 with {@code Connection: keep-alive}).
     */
    public boolean reusable() {
        if (state != State.DONE || truncated || !statusSeen || closeRequested) return false;
        if (!chunked && contentLength < 0 && !bodyless()) return false; // body ran until close
        return !http10 || keepAliveRequested;
    }

    private boolean enoughBody() {
        return wantBody && bodySize >= bodyLimit && (state == State.BODY_LENGTH || state == State.BODY_UNTIL_CLOSE
                || state == State.CHUNK_SIZE || state == State.CHUNK_DATA || state == State.CHUNK_DATA_END);
    }

    /**
     * Consumes up to {@code n} body bytes and returns how many: all of them when the body is not wanted, else no
     * more than fit under the limit (what lies beyond it is never read, so a split never changes the outcome).
     */
    private int take(ByteBuffer in, int n) {
        if (!wantBody) {
            in.position(in.position() + n);
            bodySeen += n;
            return n;
        }
        int keep = Math.min(n, bodyLimit - bodySize);
        if (body.length < bodySize + keep) {
            body = Arrays.copyOf(body, Math.max(bodySize + keep, Math.min(bodyLimit, body.length * 2 + 256)));
        }
        in.get(body, bodySize, keep);
        bodySize += keep;
        bodySeen += keep;
        return keep;
    }

    // ---- header section ----

    /**
     * Adds a byte of a header or trailer line, counted against {@link #MAX_HEADER_BYTES}; returns the line (without
     * its CR LF, or bare LF) when this byte ended it, else null.
     */
    private String headerLineByte(byte b, String section) throws HttpProtocolException {
        if (++headerBytes > MAX_HEADER_BYTES) {
            throw new HttpProtocolException("response " + section + " exceed " + MAX_HEADER_BYTES / 1024 + " KiB");
        }
        if (b != '\n') {
            if (b != '\r') line.append((char) (b & 0xff));
            return null;
        }
        String text = line.toString();
        line.setLength(0);
        return text;
    }

    private void headerByte(byte b) throws HttpProtocolException {
        String text = headerLineByte(b, "headers");
        if (text == null) return;
        if (!statusSeen) {
            if (text.isEmpty()) return; // tolerate stray empty lines before the status line
            statusLine(text);
        } else if (text.isEmpty()) {
            endOfHeaders();
        } else {
            header(text);
        }
    }

    private void statusLine(String text) throws HttpProtocolException {
        // HTTP/1.1 200 OK  (the reason phrase may be empty or missing)
        if (!text.startsWith("HTTP/1.") || text.length() < 12 || text.charAt(8) != ' ') {
            throw new HttpProtocolException("not an HTTP/1.x status line: " + printable(text));
        }
        String code = text.substring(9, 12);
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9') || (text.length() > 12 && text.charAt(12) != ' ')) {
            throw new HttpProtocolException("bad status code in " + printable(text));
        }
        status = Integer.parseInt(code);
        if (status < 100) throw new HttpProtocolException("bad status code in " + printable(text));
        http10 = text.charAt(7) == '0';
        statusSeen = true;
    }

    private void header(String text) throws HttpProtocolException {
        int colon = text.indexOf(':');
        if (colon <= 0) throw new HttpProtocolException("malformed header line: " + printable(text));
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim();
        switch (name) {
            case "content-length" -> {
                long length;
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new HttpProtocolException("bad Content-Length: " + printable(value));
                }
                if (length < 0 || (contentLength >= 0 && contentLength != length)) {
                    throw new HttpProtocolException("bad Content-Length: " + printable(value));
                }
                contentLength = length;
            }
            case "transfer-encoding" -> {
                String[] codings = value.toLowerCase(Locale.ROOT).split(",");
                chunked = codings[codings.length - 1].trim().equals("chunked");
                if (!chunked) closeRequested = true; // any other final coding is delimited by the close
            }
            case "connection" -> {
                for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
                    if (token.trim().equals("close")) closeRequested = true;
                    if (token.trim().equals("keep-alive")) keepAliveRequested = true;
                }
            }
            default -> { }
        }
    }

    private void endOfHeaders() {
        if (status < 200 && status != 101) { // interim response: the real one follows
            resetForNextResponse();
            return;
        }
        if (status == 101) closeRequested = true; // the connection now speaks another protocol
        if (bodyless()) {
            state = State.DONE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            if (contentLength == 0) {
                state = State.DONE;
            } else if (!wantBody && contentLength > MAX_DRAIN_BYTES) {
                truncated = true; // not worth reading: close instead
                state = State.DONE;
            } else {
                remaining = contentLength;
                state = State.BODY_LENGTH;
            }
        } else if (!wantBody) {
            truncated = true; // delimited by the close: the connection cannot be reused anyway
            state = State.DONE;
        } else {
            state = State.BODY_UNTIL_CLOSE;
        }
    }

    private boolean bodyless() {
        return status == 204 || status == 304 || (status >= 100 && status < 200);
    }

    private void resetForNextResponse() {
        statusSeen = false;
        status = 0;
        http10 = false;
        closeRequested = false;
        keepAliveRequested = false;
        contentLength = -1;
        chunked = false;
        headerBytes = 0;
    }

    // ---- chunked body ----

    private void chunkSizeByte(byte b) throws HttpProtocolException {
        if (b != '\n') {
            if (b != '\r') line.append((char) (b & 0xff));
            if (line.length() > MAX_CHUNK_LINE) throw new HttpProtocolException("chunk size line too long");
            return;
        }
        String text = line.toString();
        line.setLength(0);
        int semicolon = text.indexOf(';');
        String hex = (semicolon >= 0 ? text.substring(0, semicolon) : text).trim();
        long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new HttpProtocolException("bad chunk size: " + printable(text));
        }
        if (size < 0) throw new HttpProtocolException("bad chunk size: " + printable(text));
        if (size == 0) {
            state = State.TRAILERS;
            return;
        }
        if (!wantBody && bodySeen + size > MAX_DRAIN_BYTES) {
            truncated = true;
            state = State.DONE;
            return;
        }
        remaining = size;
        state = State.CHUNK_DATA;
    }

    private void chunkDataEndByte(byte b) throws HttpProtocolException {
        if (b == '\r') return;
        if (b != '\n') throw new HttpProtocolException("chunk data not followed by CRLF");
        state = State.CHUNK_SIZE;
    }

    private void trailerByte(byte b) throws HttpProtocolException {
        String text = headerLineByte(b, "trailers");
        if (text != null && text.isEmpty()) state = State.DONE;
    }

    /** At most 80 characters of what the server sent, control characters escaped: safe to put in a log line. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\x%02x", (int) c));
            }
        }
        if (out.length() >= 80) out.append("...");
        return "\"" + out + "\"";
    }
}
