package dev.baton.agent.publish.rfc2136;

import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.TsigKeyConfig;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.WriteGate;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Keeps {@code record} at the zone's primary pointing at the intent's placement by DNS UPDATE (RFC 2136), fenced
 * by the single TXT record {@code _baton-fence.<record>} holding {@code term=T index=I} ({@link Fence#text()}).
 *
 * <p>One reconcile: read the record and the fence from the primary over TCP; when both already match, report
 * {@code IN_SYNC}; when the fence is newer than the intent's, report {@code SUPERSEDED} and write nothing;
 * otherwise send one UPDATE whose prerequisite is the fence exactly as read (value-dependent "RRset exists",
 * RFC 2136 section 2.4.2), or "RRset does not exist" when there was none (section 2.4.3), and whose update
 * section replaces the fence and the record. The server checks the prerequisite and applies the updates as
 * one unit (section 3.2, 3.4), so a leader whose read is stale, or an old leader woken from a pause, fails at
 * the server (NXRRSET/YXRRSET) instead of overwriting a newer write. On such a failure the fence is read again:
 * newer means superseded, older means retry with the value read, at most {@link #MAX_UPDATES} UPDATEs a call.
 * A successful UPDATE is confirmed by reading record and fence back.
 *
 * <p>Authority {@link Authority#LEADER}: the engine calls it on the leader only, one call at a time; it blocks
 * up to a few timeouts and responds to interruption.
 */
public final class Rfc2136Publisher implements Publisher {
    /** Each request's timeout, and what the write gate is asked to cover; the config has no key for it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** UPDATEs sent within one call before giving up with TRANSIENT (the fence kept moving under us). */
    static final int MAX_UPDATES = 3;
    /** The label prepended to the record's name to name its fence record. */
    public static final String FENCE_LABEL = "_baton-fence";
    /**
     * The TSIG algorithm names {@code tsig.algorithm} accepts: hmac-sha256 (the default), hmac-sha512,
     * hmac-sha384, hmac-sha224, hmac-sha1, hmac-md5.
     */
    public static final Set<String> ALGORITHMS = TsigAlgorithms.NAMES;

    private static final Logger log = LoggerFactory.getLogger(Rfc2136Publisher.class);

    private final Rfc2136Config config;
    private final Name zone;
    private final Name record;
    private final Name fenceName;
    private final int type;
    private final long ttlSeconds;
    private final Duration timeout;
    private final ZonePrimary primary;

    /** As {@link #Rfc2136Publisher(Rfc2136Config, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public Rfc2136Publisher(Rfc2136Config config) {
        this(config, DEFAULT_TIMEOUT);
    }

    /**
     * Checks the names and the TSIG algorithm; opens nothing.
     *
     * @param timeout each request's timeout (TCP connect plus answer)
     * @throws IllegalArgumentException when the record is not inside the zone, a name does not parse, the TSIG
     *                                  algorithm is not one of {@link #ALGORITHMS}, or the TTL is out of range
     */
    public Rfc2136Publisher(Rfc2136Config config, Duration timeout) {
        this.config = Objects.requireNonNull(config, "config");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.zone = absolute(config.zone(), "zone");
        this.record = absolute(config.record(), "record");
        if (!record.subdomain(zone)) {
            throw new IllegalArgumentException("record " + record + " is not inside zone " + zone);
        }
        try {
            this.fenceName = Name.concatenate(Name.fromConstantString(FENCE_LABEL), record);
        } catch (org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException("record " + record + " is too long to prefix with " + FENCE_LABEL, e);
        }
        this.type = switch (config.type()) {
            case A -> Type.A;
            case AAAA -> Type.AAAA;
            case CNAME -> Type.CNAME;
        };
        this.ttlSeconds = config.ttl().toSeconds();
        if (ttlSeconds < 0 || ttlSeconds > 0x7FFFFFFFL) {
            throw new IllegalArgumentException("ttl " + config.ttl() + " is out of range (RFC 2181 section 8)");
        }
        this.primary = new ZonePrimary(config.server(), config.tsig().map(Rfc2136Publisher::tsig), timeout);
    }

    private static TSIG tsig(TsigKeyConfig key) {
        Name algorithm = TsigAlgorithms.toName(key.algorithm());
        return new TSIG(algorithm, absolute(key.name(), "tsig.name"), key.secret().bytes());
    }

    private static Name absolute(String text, String what) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(what + " \"" + text + "\" is not a DNS name: " + e.getMessage(), e);
        }
    }

    @Override
    public String kind() {
        return config.kind();
    }

    /** {@code db.ext.example.com. A at 192.0.2.53:53}. */
    @Override
    public String target() {
        return record + " " + config.type() + " at " + config.server();
    }

    @Override
    public Authority authority() {
        return Authority.LEADER;
    }

    /**
     * Makes the record match {@code intent} (see the class comment). Blocks on the primary, each request at most
     * the timeout; calls {@code gate.beforeWrite(WriteGate.START_ONLY)} right before each UPDATE: the server
     * checks the fence prerequisite, so an UPDATE delayed past the lease is refused there, and the lease need
     * only cover its sending.
     *
     * @throws PublishException TRANSIENT for network errors, timeouts, SERVFAIL and a fence that kept moving;
     *                          CONFIGURATION for a placement address of the wrong kind, NOTAUTH, REFUSED, TSIG
     *                          errors and a foreign TXT at the fence name; NOT_LEADING from the gate
     */
    @Override
    public Outcome reconcile(Intent intent, WriteGate gate) throws PublishException, InterruptedException {
        Optional<Record> desired = desired(intent.placement());
        Fence fence = intent.fence();
        PublishedRecord found = read();
        for (int update = 1; ; update++) {
            if (found.fence().isPresent() && found.fence().get().isNewerThan(fence)) return superseded(found, fence);
            if (found.matches(desired, fence)) return Outcome.inSync(found.published());
            if (update > MAX_UPDATES) {
                throw new PublishException(Kind.TRANSIENT, "the fence at " + fenceName + " changed under "
                        + MAX_UPDATES + " UPDATEs in a row (now " + found.fence().map(Fence::text).orElse("absent")
                        + "); another writer is active");
            }
            Update message = update(found, desired, fence);
            gate.beforeWrite(WriteGate.START_ONLY); // fenced at the server by the prerequisite
            Message response = primary.send(message);
            int rcode = response.getRcode();
            if (rcode == Rcode.NOERROR) return confirm(desired, fence);
            if (rcode != Rcode.NXRRSET && rcode != Rcode.YXRRSET) throw primary.rejected("UPDATE", response);
            // RFC 2136 section 3.2.5: the fence we read is gone or changed; read again and decide again.
            log.debug("{}: UPDATE prerequisite failed ({}) on fence {}; reading again", target(),
                    Rcode.string(rcode), found.fence().map(Fence::text).orElse("absent"));
            found = read();
        }
    }

    /** One UPDATE: prerequisite on the fence as read, then replace the fence, then replace (or delete) the record. */
    private Update update(PublishedRecord found, Optional<Record> desired, Fence fence) {
        Update update = new Update(zone);
        if (found.fenceRecord().isPresent()) {
            // RFC 2136 section 2.4.2: value-dependent "RRset exists": the RRset with TTL 0, compared as a set.
            update.present(new TXTRecord(fenceName, DClass.IN, 0, found.fenceRecord().get().getStrings()));
        } else {
            update.absent(fenceName, Type.TXT); // section 2.4.3: "RRset does not exist"
        }
        update.replace(new TXTRecord(fenceName, DClass.IN, ttlSeconds, fence.text()));
        if (desired.isPresent()) {
            update.replace(desired.get());
        } else {
            update.delete(record, type);
        }
        return update;
    }

    private Outcome confirm(Optional<Record> desired, Fence fence) throws PublishException, InterruptedException {
        PublishedRecord back = read();
        if (back.matches(desired, fence)) return Outcome.written(back.published());
        if (back.fence().isPresent() && back.fence().get().isNewerThan(fence)) return superseded(back, fence);
        throw new PublishException(Kind.TRANSIENT, "server " + config.server() + " accepted the UPDATE but "
                + record + " " + config.type() + " reads back as " + back.published() + " with fence "
                + back.fence().map(Fence::text).orElse("absent") + " (wanted "
                + desired.map(PublishedRecord::text).orElse(PublishedRecord.ABSENT) + ", " + fence.text()
                + "); is there another record type at that name (RFC 2136 section 3.4.2.2 ignores a CNAME "
                + "next to other data)?");
    }

    private Outcome superseded(PublishedRecord found, Fence ours) {
        return Outcome.superseded(found.published(), "newer fence " + found.fence().orElseThrow().text() + " at "
                + fenceName + " (ours " + ours.text() + ")");
    }

    private PublishedRecord read() throws PublishException, InterruptedException {
        List<Record> values = primary.read(record, type);
        List<Record> fences = primary.read(fenceName, Type.TXT);
        if (fences.isEmpty()) return new PublishedRecord(values, Optional.empty(), Optional.empty());
        TXTRecord txt = (TXTRecord) fences.get(0);
        String text = String.join("", txt.getStrings());
        Fence fence;
        try {
            if (fences.size() > 1) throw new IllegalArgumentException("more than one TXT record");
            fence = Fence.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PublishException(Kind.CONFIGURATION, fenceName + " TXT holds "
                    + fences.stream().map(Record::rdataToString).toList() + ", not a single Baton fence "
                    + "\"term=T index=I\": another tool owns that name; remove it or choose another record");
        }
        return new PublishedRecord(values, Optional.of(fence), Optional.of(txt));
    }

    /** The record the placement asks for, or empty to delete it (the service answers nothing). */
    private Optional<Record> desired(Optional<Placement> placement) throws PublishException {
        if (placement.isEmpty()) return Optional.empty();
        String address = placement.get().address();
        return Optional.of(switch (type) {
            case Type.A -> new ARecord(record, DClass.IN, ttlSeconds, literal(address, Address.IPv4, "an IPv4"));
            case Type.AAAA -> new AAAARecord(record, DClass.IN, ttlSeconds, literal(address, Address.IPv6, "an IPv6"));
            default -> new CNAMERecord(record, DClass.IN, ttlSeconds, hostName(address));
        });
    }

    private InetAddress literal(String address, int family, String kind) throws PublishException {
        byte[] bytes = Address.toByteArray(address, family);
        if (bytes == null) {
            throw new PublishException(Kind.CONFIGURATION, record + " is " + config.type() + ", which needs "
                    + kind + " address, but the instance's address is \"" + address + "\"");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length, which Address never returns
        }
    }

    private Name hostName(String address) throws PublishException {
        if (Address.isDottedQuad(address) || Address.toByteArray(address, Address.IPv6) != null) {
            throw new PublishException(Kind.CONFIGURATION, record + " is CNAME, which needs a host name, but the "
                    + "instance's address is the IP literal \"" + address + "\"; use type A or AAAA");
        }
        try {
            return Name.fromString(address, Name.root); // made absolute: the configured name has no root dot
        } catch (TextParseException e) {
            throw new PublishException(Kind.CONFIGURATION, "the instance's address \"" + address
                    + "\" is not a host name: " + e.getMessage());
        }
    }
}
