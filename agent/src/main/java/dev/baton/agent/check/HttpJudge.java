package dev.baton.agent.check;

import java.nio.charset.StandardCharsets;

/**
 * How an HTTP check's response is judged, whichever client fetched it: healthy when the status is within the
 * spec's range and, if the spec asks for a body substring, the first {@value HttpProbe#MAX_BODY_BYTES} bytes of
 * the body contain it (compared as UTF-8 bytes). A 3xx is judged like any other status: redirects are not followed.
 */
final class HttpJudge {
    private final CheckSpec.Http spec;
    private final byte[] expected;

    HttpJudge(CheckSpec.Http spec) {
        this.spec = spec;
        this.expected = spec.bodyContains().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** Whether the body must be read at all: only when there is text to look for. */
    boolean wantsBody() {
        return expected != null;
    }

    boolean statusOk(int status) {
        return status >= spec.minStatus() && status <= spec.maxStatus();
    }

    ProbeResult judge(int status, byte[] body, long startNanos) {
        String detail = "HTTP " + status;
        if (!statusOk(status)) return ProbeResult.fail(detail, startNanos);
        if (expected != null && indexOf(body, expected) < 0) {
            return ProbeResult.fail(detail + ", body lacks the expected text", startNanos);
        }
        return ProbeResult.pass(detail, startNanos);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        if (haystack == null) return -1;
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
