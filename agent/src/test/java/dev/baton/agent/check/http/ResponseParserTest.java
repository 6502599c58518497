package dev.baton.agent.check.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ResponseParserTest {

    private record Outcome(int status, String body, boolean reusable, int leftover) {
    }

    /** Feeds the whole text at once (then end of stream if it asked for more), as one parser sees it. */
    private static Outcome parse(String text, boolean wantBody, int limit) throws HttpProtocolException {
        return parseInPieces(text, wantBody, limit, List.of());
    }

    private static Outcome parseInPieces(String text, boolean wantBody, int limit, List<Integer> cuts)
            throws HttpProtocolException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        ResponseParser parser = new ResponseParser(wantBody, limit);
        int from = 0;
        ResponseParser.Progress progress = ResponseParser.Progress.NEED_MORE;
        List<Integer> ends = new java.util.ArrayList<>(cuts.stream().map(c -> Math.min(c, bytes.length)).sorted().toList());
        ends.add(bytes.length);
        int leftover = 0;
        for (int end : ends) {
            if (end < from) continue;
            ByteBuffer piece = ByteBuffer.wrap(bytes, from, end - from);
            progress = parser.feed(piece);
            from = end;
            if (progress == ResponseParser.Progress.DONE) {
                leftover = piece.remaining() + (bytes.length - end);
                break;
            }
        }
        if (progress != ResponseParser.Progress.DONE) parser.endOfStream();
        return new Outcome(parser.status(), new String(parser.body(), StandardCharsets.ISO_8859_1), parser.reusable(),
                leftover);
    }

    @Test
    void contentLengthBodyIsReadAndTheConnectionKept() throws Exception {
        Outcome o = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", true, 100);
        assertThat(o).isEqualTo(new Outcome(200, "hello", true, 5));
    }

    @Test
    void aBodyNobodyWantsIsSkipped() throws Exception {
        assertThat(parse("HTTP/1.1 503 Busy\r\ncontent-length: 3\r\n\r\nabc", false, 100))
                .isEqualTo(new Outcome(503, "", true, 0));
    }

    @Test
    void aLargeBodyNobodyWantsIsNotReadAndTheConnectionIsNotKept() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nabc", false, 100))
                .isEqualTo(new Outcome(200, "", false, 3));
    }

    @Test
    void theBodyIsCutAtTheLimitAndThenTheConnectionIsNotKept() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", true, 4))
                .isEqualTo(new Outcome(200, "0123", false, 6));
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", true, 10).reusable()).isFalse();
    }

    @Test
    void http10IsKeptOnlyWhenItAsksForKeepAlive() throws Exception {
        assertThat(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", true, 10).reusable()).isFalse();
        assertThat(parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true, 10).reusable())
                .isTrue();
    }

    @Test
    void aBodyWithoutLengthRunsToTheClose() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\n\r\nuntil close", true, 100)).isEqualTo(new Outcome(200, "until close", false, 0));
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        assertThat(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", true, 100))
                .isEqualTo(new Outcome(404, "no", true, 0));
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() throws Exception {
        assertThat(parse("HTTP/1.1 204 No Content\r\n\r\n", true, 10)).isEqualTo(new Outcome(204, "", true, 0));
        assertThat(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", true, 10))
                .isEqualTo(new Outcome(304, "", true, 0));
    }

    @Test
    void bareLineFeedsAndAMissingReasonAreAccepted() throws Exception {
        assertThat(parse("HTTP/1.1 200\nContent-Length: 2\n\nok", true, 10)).isEqualTo(new Outcome(200, "ok", true, 0));
    }

    @Test
    void chunkedBodiesAreDecoded() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "3\r\nabc\r\n10;name=value\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\n";
        assertThat(parse(chunked, true, 100)).isEqualTo(new Outcome(200, "abc0123456789abcdef", true, 0));
    }

    @Test
    void badResponsesAreNamed() {
        assertThatThrownBy(() -> parse("SSH-2.0-x\r\n", true, 10)).hasMessage("not an HTTP/1.x status line: \"SSH-2.0-x\"");
        assertThatThrownBy(() -> parse("HTTP/1.1 2x0 OK\r\n\r\n", true, 10)).hasMessageStartingWith("bad status code");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", true, 10))
                .hasMessageStartingWith("malformed header line");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", true, 10))
                .hasMessage("bad Content-Length: \"2\"");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", true, 10))
                .hasMessage("bad Content-Length: \"-1\"");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true, 10))
                .hasMessage("bad chunk size: \"zz\"");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", true, 10))
                .hasMessage("chunk data not followed by CRLF");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nX: " + "y".repeat(ResponseParser.MAX_HEADER_BYTES), true, 10))
                .hasMessage("response headers exceed 16 KiB");
        assertThatThrownBy(() -> parse("\u0000\u0001binary\r\n", true, 10))
                .hasMessage("not an HTTP/1.x status line: \"\\x00\\x01binary\"");
    }

    @Test
    void aResponseCutShortIsAnError() {
        assertThatThrownBy(() -> parse("", true, 10)).hasMessage("connection closed without a response");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-", true, 10))
                .hasMessage("connection closed in the response headers");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", true, 10))
                .hasMessage("connection closed before the end of the response body");
    }

    @Provide
    Arbitrary<String> responses() {
        return Arbitraries.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;x=y\r\n \r\n5\r\nworld\r\n0\r\n\r\n",
                "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nhello world until close",
                "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n");
    }

    /** However the bytes are split into reads, the outcome is the one of a single read. */
    @Property(tries = 300)
    void splittingDoesNotChangeTheOutcome(@ForAll("responses") String response,
                                          @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 120) Integer> cuts,
                                          @ForAll boolean wantBody, @ForAll @IntRange(min = 0, max = 30) int limit)
            throws Exception {
        assertThat(parseInPieces(response, wantBody, limit, cuts)).isEqualTo(parse(response, wantBody, limit));
    }
}
