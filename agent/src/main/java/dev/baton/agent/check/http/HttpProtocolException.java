package dev.baton.agent.check.http;

import java.io.IOException;

/** The server's bytes are not a valid HTTP/1.x response; the message says what was wrong, quoting at most 80 characters. */
public final class HttpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public HttpProtocolException(String message) {
        super(message);
    }
}
