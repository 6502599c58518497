package dev.baton.agent.check;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
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
        // The JDK HTTP client wraps the real cause (e.g. "Connection refused") in an exception with no message.
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpTimeoutException || c instanceof SocketTimeoutException
                    || c instanceof TimeoutException) {
                return ProbeResult.timeoutDetail(timeout);
            }
            if (c instanceof NoRouteToHostException) return "no route to host";
            if (c instanceof UnknownHostException) return "unknown host " + c.getMessage();
            if (c instanceof SSLException) return "TLS failed: " + c.getMessage();
            if (c instanceof ConnectException) {
                String message = String.valueOf(c.getMessage());
                if (message.contains("refused")) return "connect refused";
                if (c.getCause() == null) return "connect failed: " + message;
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
