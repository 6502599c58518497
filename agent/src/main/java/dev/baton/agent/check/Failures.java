package dev.baton.agent.check;

import dev.baton.agent.check.http.HttpProtocolException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Turns network exceptions into the short details operators see. Never includes a URL (it may hold a token). */
final class Failures {
    private Failures() {}

    static String describe(Throwable error, Duration timeout) {
        Throwable t = unwrap(error);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpTimeoutException || c instanceof SocketTimeoutException
                    || c instanceof TimeoutException) {
                return ProbeResult.timeoutDetail(timeout);
            }
            if (c instanceof NoRouteToHostException) return "no route to host";
            if (c instanceof UnknownHostException) return "unknown host " + c.getMessage();
            if (c instanceof SSLException) return "TLS failed: " + c.getMessage();
            if (c instanceof ConnectException && c.getMessage() != null) {
                return c.getMessage().contains("refused") ? "connect refused" : "connect failed: " + c.getMessage();
            }
            // The JDK HTTP client reports every failed connect (refused, unreachable) as a ConnectException
            // without a message whose cause is a ClosedChannelException: the reason is lost.
            if (c instanceof ConnectException) return "connect failed";
            if (c instanceof HttpProtocolException) return c.getMessage();
            // "Connection reset", "Broken pipe", "HTTP check client is closed": already operator-readable.
            if ((c.getClass() == IOException.class || c.getClass() == SocketException.class) && c.getMessage() != null) {
                return c.getMessage();
            }
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
