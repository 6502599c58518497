package dev.baton.agent.publish.rfc2136;

import dev.baton.agent.config.HostPort;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * The zone's primary server, spoken to directly over TCP (never through a resolver or a cache): every message
 * signed with the TSIG key when one is configured, every response's TSIG verified and its rcode checked here,
 * because {@link SimpleResolver} only logs a failed verification (dnsjava 3.6 {@code verifyTSIG}).
 *
 * <p>Blocking, one caller at a time (the publisher's engine thread). Messages never contain the secret.
 */
final class ZonePrimary {
    /** Slack over the resolver's own timeout before we stop waiting for its future (it fails it itself). */
    private static final Duration FUTURE_SLACK = Duration.ofSeconds(1);

    private final HostPort server;
    private final Optional<TSIG> tsig;
    private final Duration timeout;

    ZonePrimary(HostPort server, Optional<TSIG> tsig, Duration timeout) {
        this.server = server;
        this.tsig = tsig;
        this.timeout = timeout;
    }

    /**
     * The RRset {@code name}/{@code type} as the primary holds it (empty for NXDOMAIN or no data), from an
     * authoritative answer (AA set) with a verified TSIG.
     *
     * @throws PublishException TRANSIENT on network errors and SERVFAIL, CONFIGURATION when the server is not
     *                          authoritative for the name or rejects the key
     */
    List<Record> read(Name name, int type) throws PublishException, InterruptedException {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        query.getHeader().unsetFlag(Flags.RD); // a question for the primary's own data, not for recursion
        String what = "query " + name + " " + Type.string(type);
        Message response = exchange(query, what);
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) throw rejected(what, response);
        if (!response.getHeader().getFlag(Flags.AA)) {
            throw new PublishException(Kind.CONFIGURATION, "server " + server + " answered the " + what
                    + " without authority (no AA flag): it must be the zone's primary, not a resolver");
        }
        return response.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == type && r.getName().equals(name))
                .toList();
    }

    /**
     * Sends {@code update} and returns the primary's verified response, whatever its rcode; the caller decides
     * what a prerequisite failure means. Throws as {@link #read} for transport and TSIG failures.
     */
    Message send(org.xbill.DNS.Update update) throws PublishException, InterruptedException {
        return exchange(update, "UPDATE");
    }

    /** A {@link PublishException} for a response whose rcode the caller does not accept. */
    PublishException rejected(String what, Message response) {
        int rcode = response.getRcode();
        String detail = Rcode.string(rcode) + tsigDetail(response);
        return switch (rcode) {
            case Rcode.SERVFAIL -> new PublishException(Kind.TRANSIENT,
                    "server " + server + " failed the " + what + ": " + detail);
            case Rcode.NOTAUTH -> new PublishException(Kind.CONFIGURATION, "server " + server + " refused the "
                    + what + ": " + detail + " — " + notAuthHint(response));
            case Rcode.REFUSED -> new PublishException(Kind.CONFIGURATION, "server " + server + " refused the "
                    + what + ": " + detail + " — does its update-policy (BIND) or acl (Knot) allow this key to "
                    + "update the record and its _baton-fence name?");
            case Rcode.NOTZONE -> new PublishException(Kind.CONFIGURATION, "server " + server + " refused the "
                    + what + ": " + detail + " — the record is not inside the zone");
            default -> new PublishException(Kind.CONFIGURATION, "server " + server + " answered the " + what
                    + " with " + detail);
        };
    }

    /** What to check after a NOTAUTH, by the TSIG error (RFC 8945 section 5.2). */
    private String notAuthHint(Message response) {
        if (tsig.isEmpty()) return "is the server the zone's primary, and does it require a TSIG key?";
        TSIGRecord record = response.getTSIG();
        int error = record == null ? Rcode.NOERROR : record.getError();
        return switch (error) {
            case Rcode.BADSIG -> "is tsig.name/secret the zone's key?";
            case Rcode.BADKEY -> "does the server know tsig.name with this algorithm, and (Knot answers a denied "
                    + "UPDATE so) does its acl allow this key to update the record and its _baton-fence name?";
            case Rcode.BADTIME -> "is this node's clock within the TSIG fudge (300 s) of the server's?";
            default -> "is tsig.name/secret the zone's key, and is the server the zone's primary?";
        };
    }

    private Message exchange(Message message, String what) throws PublishException, InterruptedException {
        SimpleResolver resolver = new SimpleResolver(resolve());
        resolver.setTCP(true);
        resolver.setTimeout(timeout);
        tsig.ifPresent(resolver::setTSIGKey);
        CompletableFuture<Message> future = resolver.sendAsync(message).toCompletableFuture();
        Message response;
        try {
            response = future.get(timeout.plus(FUTURE_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timedOut(what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof java.net.SocketTimeoutException) throw timedOut(what);
            throw new PublishException(Kind.TRANSIENT, "server " + server + " did not answer the " + what + ": "
                    + describe(cause), null, cause);
        }
        if (tsig.isPresent() && !response.isVerified()) {
            int rcode = response.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXRRSET && rcode != Rcode.YXRRSET
                    && rcode != Rcode.NXDOMAIN && rcode != Rcode.SERVFAIL) {
                throw rejected(what, response); // NOTAUTH/REFUSED with BADKEY, BADSIG, BADTIME: unsigned
            }
            throw new PublishException(Kind.CONFIGURATION, "server " + server + " answered the " + what + " with "
                    + Rcode.string(rcode) + " but its TSIG did not verify (" + tsigState(response)
                    + ") — is tsig.name/secret the zone's key? The answer is not trusted");
        }
        return response;
    }

    private InetSocketAddress resolve() throws PublishException {
        try {
            return new InetSocketAddress(InetAddress.getByName(server.host()), server.port());
        } catch (UnknownHostException e) {
            throw new PublishException(Kind.TRANSIENT, "cannot resolve the server name " + server.host(), null, e);
        }
    }

    private PublishException timedOut(String what) {
        return new PublishException(Kind.TRANSIENT, "server " + server + " did not answer the " + what
                + " within " + timeout.toMillis() + " ms (TCP)");
    }

    private static String describe(Throwable t) {
        if (t instanceof IOException && t.getCause() != null && t.getMessage() == null) t = t.getCause();
        String message = t.getMessage();
        if (t instanceof java.net.ConnectException && message == null) message = "connection refused";
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** " (TSIG BADSIG)" when the server reported a TSIG error, else "". */
    private static String tsigDetail(Message response) {
        TSIGRecord record = response.getTSIG();
        if (record == null || record.getError() == Rcode.NOERROR) return "";
        return " (TSIG " + Rcode.TSIGstring(record.getError()) + ")";
    }

    private static String tsigState(Message response) {
        TSIGRecord record = response.getTSIG();
        if (record == null) return "the response is unsigned";
        if (record.getError() != Rcode.NOERROR) return "TSIG " + Rcode.TSIGstring(record.getError());
        return "bad signature on the response";
    }
}
