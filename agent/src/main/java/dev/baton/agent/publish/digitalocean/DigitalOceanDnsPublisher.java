package dev.baton.agent.publish.digitalocean;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.WriteGate;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Address;

/**
 * {@code digitalocean_dns}: keeps one record of a DigitalOcean domain pointing at the scope's placement, fenced by
 * the TXT record {@code _baton-fence.<record>} (for the apex {@code _baton-fence}) whose text is the decision's
 * {@link Fence}.
 *
 * <p>DigitalOcean has no conditional write, so each reconcile reads the fence first and writes nothing when a
 * newer one is published; every write request passes {@link WriteGate#beforeWrite} immediately before it is sent.
 * Write order: the fence first, then the record, then the deletion of duplicates. A crash between them leaves a
 * fence at least as new as the record's content, so an older leader still reads "superseded" and stays away,
 * and the next leader (whose fence is newer still) repairs the record. The reverse order would leave a new record
 * under an old fence that an older leader could overwrite.
 *
 * <p>Never creates a duplicate: a create is sent only when this reconcile's read found no record, and it is never
 * retried within the call (a 5xx after a create may have created it; the next call reads first). Several records
 * of the name and type are reduced to one (the one already right, else the oldest).
 *
 * <p>Threads: one reconcile at a time (the engine's promise); blocks up to the API client's request timeout per
 * request, a handful of requests per call.
 */
public final class DigitalOceanDnsPublisher implements Publisher {
    private static final Logger log = LoggerFactory.getLogger(DigitalOceanDnsPublisher.class);
    static final String FENCE_LABEL = "_baton-fence";
    /** What {@link Outcome#published()} shows when no record exists. */
    static final String NONE = "none";

    private final DigitalOceanDnsConfig config;
    private final DigitalOceanApi api;
    private final String domain;
    private final String record;
    private final String fenceRecord;
    private final String recordsPath;

    /** A publisher with its own API client, its writes bounded by {@code writeTimeout} (see the write gate). */
    public DigitalOceanDnsPublisher(DigitalOceanDnsConfig config, java.time.Duration writeTimeout) {
        this(config, new DigitalOceanApi(config.apiUrl(), config.token(), DigitalOceanApi.DEFAULT_REQUEST_TIMEOUT,
                writeTimeout, java.time.Clock.systemUTC()));
    }

    /**
     * @throws IllegalArgumentException for a TTL under {@link DigitalOceanDnsConfig#MIN_TTL} or a CNAME at the
     *                                  apex (DNS forbids it beside the apex's SOA and NS, RFC 1034 section 3.6.2)
     */
    public DigitalOceanDnsPublisher(DigitalOceanDnsConfig config, DigitalOceanApi api) {
        this.config = Objects.requireNonNull(config, "config");
        this.api = Objects.requireNonNull(api, "api");
        this.domain = stripDot(config.domain()).toLowerCase(Locale.ROOT);
        this.record = stripDot(config.record()).toLowerCase(Locale.ROOT);
        if (config.ttl().compareTo(DigitalOceanDnsConfig.MIN_TTL) < 0) {
            throw new IllegalArgumentException("ttl " + config.ttl().toSeconds() + " s is under DigitalOcean's minimum of "
                    + DigitalOceanDnsConfig.MIN_TTL.toSeconds() + " s");
        }
        if (config.type() == RecordType.CNAME && record.equals("@")) {
            throw new IllegalArgumentException("a CNAME cannot be at the apex of " + domain);
        }
        this.fenceRecord = record.equals("@") ? FENCE_LABEL : FENCE_LABEL + "." + record;
        this.recordsPath = "/v2/domains/" + domain + "/records";
    }

    @Override
    public String kind() {
        return config.kind();
    }

    @Override
    public String target() {
        return fullName(record) + " " + config.type() + " (DigitalOcean domain " + domain + ")";
    }

    @Override
    public Authority authority() {
        return Authority.LEADER;
    }

    @Override
    public Outcome reconcile(Intent intent, WriteGate gate) throws PublishException, InterruptedException {
        Optional<String> want = Optional.empty();
        if (intent.placement().isPresent()) {
            Result data = dataFor(intent.placement().get());
            if (data.error() != null) throw new PublishException(Kind.CONFIGURATION, target() + ": " + data.error());
            want = Optional.of(data.data());
        }
        Published seen = read();
        Optional<Fence> theirs = seen.fence();
        if (theirs.isPresent() && theirs.get().isNewerThan(intent.fence())) {
            return Outcome.superseded(seen.shown(), supersededDetail(theirs.get(), intent.fence()));
        }
        boolean fenceRight = theirs.equals(Optional.of(intent.fence())) && seen.fences().size() == 1;
        if (fenceRight && seen.matches(want)) return Outcome.inSync(seen.shown());

        List<String> notes = new ArrayList<>();
        if (!fenceRight) writeFence(seen.fences(), intent.fence(), gate);
        Optional<DomainRecord> keep = want.isEmpty() ? Optional.empty() : Optional.of(writeRecord(seen, want.get(), gate));
        int deleted = 0;
        for (DomainRecord r : seen.records()) {
            if (keep.isPresent() && keep.get().id() == r.id()) continue;
            delete(r, gate);
            deleted++;
        }
        if (want.isPresent() && deleted > 0) {
            notes.add("deleted " + deleted + " duplicate " + config.type() + " record" + (deleted == 1 ? "" : "s")
                    + " of " + fullName(record));
            log.warn("{}: deleted {} duplicate record(s); one record per name and type is kept", target(), deleted);
        }

        Published after = read();
        Optional<Fence> fenceAfter = after.fence();
        if (fenceAfter.isPresent() && fenceAfter.get().isNewerThan(intent.fence())) {
            return Outcome.superseded(after.shown(), supersededDetail(fenceAfter.get(), intent.fence()));
        }
        if (!fenceAfter.equals(Optional.of(intent.fence())) || !after.matches(want)) {
            throw new PublishException(Kind.TRANSIENT, target() + ": read back " + after.describe()
                    + ", expected " + want.orElse(NONE) + " under fence " + intent.fence());
        }
        return new Outcome(Outcome.Result.WRITTEN, after.shown(), String.join("; ", notes));
    }

    /** Writes the fence over the oldest TXT at the fence name (creating it when there is none). */
    private void writeFence(List<DomainRecord> fences, Fence fence, WriteGate gate)
            throws PublishException, InterruptedException {
        ObjectNode body = DigitalOceanApi.object().put("type", "TXT").put("name", fenceRecord)
                .put("data", fence.text()).put("ttl", config.ttl().toSeconds());
        if (fences.isEmpty()) {
            gate.beforeWrite(api.writeTimeout());
            api.orThrow(api.send("POST", recordsPath, body));
        } else {
            gate.beforeWrite(api.writeTimeout());
            put(fences.get(0), body);
            for (DomainRecord extra : fences.subList(1, fences.size())) delete(extra, gate);
        }
        log.info("{}: fence {}", target(), fence);
    }

    /** Makes one record hold {@code data}: the one already right, else the oldest updated, else a new one. */
    private DomainRecord writeRecord(Published seen, String data, WriteGate gate)
            throws PublishException, InterruptedException {
        Optional<DomainRecord> right = seen.records().stream().filter(r -> isWanted(r, data)).findFirst();
        if (right.isPresent()) return right.get();
        ObjectNode body = DigitalOceanApi.object().put("type", config.type().name()).put("name", record)
                .put("data", data).put("ttl", config.ttl().toSeconds());
        gate.beforeWrite(api.writeTimeout());
        if (seen.records().isEmpty()) {
            // Never retried here: a 5xx may come after the record was created, and the next reconcile reads first.
            var created = DomainRecord.of(api.orThrow(api.send("POST", recordsPath, body)).path("domain_record"));
            log.info("{}: created record {} -> {}", target(), created.id(), data);
            return created;
        }
        DomainRecord oldest = seen.records().get(0);
        put(oldest, body);
        log.info("{}: updated record {} from {} to {}", target(), oldest.id(), oldest.data(), data);
        return oldest;
    }

    private void put(DomainRecord r, ObjectNode body) throws PublishException, InterruptedException {
        DigitalOceanApi.Response answer = api.send("PUT", recordsPath + "/" + r.id(), body);
        if (answer.status() == 404) {
            // Deleted by someone else since our read: the next reconcile reads again and creates it.
            throw new PublishException(Kind.TRANSIENT, target() + ": record " + r.id() + " vanished before its update");
        }
        api.orThrow(answer);
    }

    private void delete(DomainRecord r, WriteGate gate) throws PublishException, InterruptedException {
        gate.beforeWrite(api.writeTimeout());
        DigitalOceanApi.Response answer = api.send("DELETE", recordsPath + "/" + r.id(), null);
        // 404: already gone (an earlier attempt's delete arrived after its timeout), which is what we wanted.
        if (!answer.ok() && answer.status() != 404) throw api.failure(answer);
        log.info("{}: deleted {} record {} ({} {})", target(), r.type(), r.id(), fullName(r.name()), r.data());
    }

    /** Both names' records, every page: the name filter takes the full name (domains_list_records.yml). */
    private Published read() throws PublishException, InterruptedException {
        List<DomainRecord> records = list(record, config.type().name());
        List<DomainRecord> fences = list(fenceRecord, "TXT");
        return new Published(records, fences);
    }

    private List<DomainRecord> list(String relative, String type) throws PublishException, InterruptedException {
        String query = "?name=" + URLEncoder.encode(fullName(relative), StandardCharsets.UTF_8) + "&type=" + type;
        List<DomainRecord> out = new ArrayList<>();
        String notFound = "domain " + domain + " is not in the DigitalOcean account";
        // Filter again here: the records come back relative, and we rely on nothing the filter might not do.
        for (var json : api.getAllPages(recordsPath + query, "domain_records", notFound)) {
            DomainRecord r = DomainRecord.of(json);
            if (r.type().equalsIgnoreCase(type) && sameName(r.name(), relative)) out.add(r);
        }
        out.sort(Comparator.comparingLong(DomainRecord::id));
        return out;
    }

    /** What is published at the two names now. */
    private final class Published {
        private final List<DomainRecord> records;
        private final List<DomainRecord> fences;

        Published(List<DomainRecord> records, List<DomainRecord> fences) {
            this.records = records;
            this.fences = fences;
        }

        List<DomainRecord> records() {
            return records;
        }

        List<DomainRecord> fences() {
            return fences;
        }

        /** The newest Baton fence among the fence name's TXT records; text that is not one is ignored. */
        Optional<Fence> fence() {
            Optional<Fence> newest = Optional.empty();
            for (DomainRecord r : fences) {
                try {
                    Fence f = Fence.parse(unquote(r.data()));
                    if (newest.isEmpty() || f.isNewerThan(newest.get())) newest = Optional.of(f);
                } catch (IllegalArgumentException e) {
                    log.warn("{}: ignoring TXT record {} at {}: {}", target(), r.id(), fullName(fenceRecord), e.getMessage());
                }
            }
            return newest;
        }

        /** One record holding {@code want} with our TTL, or none when {@code want} is empty. */
        boolean matches(Optional<String> want) {
            if (want.isEmpty()) return records.isEmpty();
            return records.size() == 1 && isWanted(records.get(0), want.get());
        }

        String shown() {
            if (records.isEmpty()) return NONE;
            return String.join(", ", records.stream().map(DomainRecord::data).toList());
        }

        String describe() {
            return records.size() + " record(s) [" + shown() + "], fence " + fence().map(Fence::text).orElse(NONE);
        }
    }

    private boolean isWanted(DomainRecord r, String data) {
        return sameData(r.data(), data) && r.ttl() == config.ttl().toSeconds();
    }

    /**
     * The record data for a placement: an IPv4 literal (A), an IPv6 literal (AAAA), or an absolute host name with
     * its trailing dot (CNAME: DigitalOcean requires the dot for a name outside the domain).
     */
    Result dataFor(Placement p) {
        String address = p.address().strip().toLowerCase(Locale.ROOT);
        return switch (config.type()) {
            case A -> Address.toByteArray(address, Address.IPv4) != null ? Result.ok(address)
                    : Result.error("instance " + p.instance() + "'s address " + address + " is not an IPv4 literal;"
                    + " an A record needs one");
            case AAAA -> Address.toByteArray(address, Address.IPv6) != null ? Result.ok(address)
                    : Result.error("instance " + p.instance() + "'s address " + address + " is not an IPv6 literal;"
                    + " an AAAA record needs one");
            case CNAME -> Address.isDottedQuad(address) || address.contains(":")
                    ? Result.error("instance " + p.instance() + "'s address " + address + " is an IP literal;"
                    + " a CNAME needs a host name")
                    : Result.ok(address.endsWith(".") ? address : address + ".");
        };
    }

    /** A record's data, or why the placement cannot be published as this record type. */
    record Result(String data, String error) {
        static Result ok(String data) {
            return new Result(data, null);
        }

        static Result error(String error) {
            return new Result(null, error);
        }
    }

    private boolean sameData(String published, String wanted) {
        return switch (config.type()) {
            case A -> Arrays.equals(Address.toByteArray(published.strip(), Address.IPv4),
                    Address.toByteArray(wanted, Address.IPv4));
            case AAAA -> Arrays.equals(Address.toByteArray(published.strip(), Address.IPv6),
                    Address.toByteArray(wanted, Address.IPv6));
            // DigitalOcean shows "@" for the apex and may drop the root dot; compare names, not text.
            case CNAME -> hostName(published).equals(hostName(wanted));
        };
    }

    private String hostName(String data) {
        String name = stripDot(data.strip()).toLowerCase(Locale.ROOT);
        return name.equals("@") ? domain : name;
    }

    private boolean sameName(String published, String relative) {
        String name = stripDot(published).toLowerCase(Locale.ROOT);
        return name.equals(relative) || name.equals(fullName(relative));
    }

    private String fullName(String relative) {
        return relative.equals("@") ? domain : relative + "." + domain;
    }

    private static String unquote(String text) {
        String t = text.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
    }

    private static String supersededDetail(Fence theirs, Fence ours) {
        return "published fence " + theirs + " is newer than this decision's " + ours;
    }

    @Override
    public void close() {
        api.close();
    }

    @Override
    public String toString() {
        return "DigitalOceanDnsPublisher[" + target() + "]";
    }
}
