package dev.baton.agent.config;

import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.config.publish.ExecHookConfig;
import dev.baton.agent.config.publish.PublisherConfig;
import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.config.publish.WebhookConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code publish} list ({@code services[].publish} or {@code leader.publish}): each entry a map with
 * exactly one key, the publisher's kind. Checks each entry's keys and what it needs of the instances (a record
 * type that fits their addresses, a {@code droplet_id} or {@code member} each). Secrets come from node-local
 * files or the environment, never from the YAML itself.
 */
final class PublishReader {
    /** Where {@code digitalocean_*} take their token when {@code token_file} is absent. */
    static final String DIGITALOCEAN_TOKEN_ENV = "DIGITALOCEAN_TOKEN";
    static final List<String> KINDS = List.of("rfc2136", "digitalocean_dns", "digitalocean_floating_ip", "vip",
            "exec", "webhook");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    enum Scope { SERVICE, LEADER }

    static final List<String> LEADER_KINDS = List.of("digitalocean_floating_ip", "vip", "exec");

    private final Path configDir;
    private final Function<String, String> env;

    PublishReader(Path configDir, Function<String, String> env) {
        this.configDir = configDir;
        this.env = env;
    }

    /**
     * The list, empty when absent; empty Optional when any entry is invalid (each problem reported).
     *
     * @param instances the service's instances (scope SERVICE), to infer record types and check that each
     *                  instance has what its publishers need; empty when they did not read cleanly
     * @param members   the cluster's members, when they read cleanly: the leader scope's floating IP needs
     *                  every electable member's droplet
     */
    Optional<List<PublisherConfig>> read(ConfigNode list, Scope scope, Optional<List<InstanceConfig>> instances,
                                         Optional<List<MemberConfig>> members) {
        if (!list.isPresent()) return Optional.of(List.of());
        Optional<List<ConfigNode>> items = list.asList();
        if (items.isEmpty()) return Optional.empty();
        List<PublisherConfig> out = new ArrayList<>();
        for (ConfigNode item : items.get()) {
            if (item.requireMap().isEmpty()) continue;
            List<String> keys = item.keys();
            if (keys.size() != 1 || !KINDS.contains(keys.get(0))) {
                item.error("each publish entry is a map with one key, the publisher's kind: " + String.join(", ", KINDS)
                        + (keys.isEmpty() ? "" : "; got " + String.join(", ", keys)));
                continue;
            }
            String kind = keys.get(0);
            ConfigNode body = item.get(kind);
            if (scope == Scope.LEADER && !LEADER_KINDS.contains(kind)) {
                body.error("not available under leader.publish, which publishes the leader node itself; allowed: "
                        + String.join(", ", LEADER_KINDS));
                continue;
            }
            if (body.requireMap().isEmpty()) continue;
            Optional<? extends PublisherConfig> one = switch (kind) {
                case "rfc2136" -> readRfc2136(body, instances);
                case "digitalocean_dns" -> readDigitalOceanDns(body, instances);
                case "digitalocean_floating_ip" -> readFloatingIp(body, scope, instances, members);
                case "vip" -> readVip(body, scope, instances);
                case "exec" -> readExec(body, scope);
                default -> readWebhook(body);
            };
            one.ifPresent(out::add);
        }
        return out.size() == items.get().size() ? Optional.of(out) : Optional.empty();
    }

    private Optional<Rfc2136Config> readRfc2136(ConfigNode n, Optional<List<InstanceConfig>> instances) {
        n.allowOnly("server", "zone", "record", "type", "ttl", "tsig");
        ConfigNode serverNode = n.get("server");
        Optional<HostPort> server = serverNode.requireText()
                .flatMap(t -> serverNode.parseText(s -> HostPort.parse(s.contains(":") || s.startsWith("[") ? s : s + ":53")));
        Optional<String> zone = absoluteName(n.get("zone"));
        Optional<String> record = absoluteName(n.get("record"));
        if (zone.isPresent() && record.isPresent() && !isInside(record.get(), zone.get())) {
            n.get("record").error("\"" + record.get() + "\" is not inside zone " + zone.get());
            record = Optional.empty();
        }
        Optional<RecordType> type = recordType(n.get("type"), instances);
        Optional<Duration> ttl = ttl(n.get("ttl"), Rfc2136Config.DEFAULT_TTL, Duration.ZERO);
        Optional<Optional<dev.baton.agent.config.publish.TsigKeyConfig>> tsig = n.get("tsig").isPresent()
                ? TsigKeyReader.read(n.get("tsig"), configDir).map(Optional::of) : Optional.of(Optional.empty());
        if (server.isEmpty() || zone.isEmpty() || record.isEmpty() || type.isEmpty() || ttl.isEmpty() || tsig.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Rfc2136Config(server.get(), zone.get(), record.get(), type.get(), ttl.get(), tsig.get()));
    }

    private Optional<DigitalOceanDnsConfig> readDigitalOceanDns(ConfigNode n, Optional<List<InstanceConfig>> instances) {
        n.allowOnly("domain", "record", "type", "ttl", "token_file", "api_url");
        ConfigNode domainNode = n.get("domain");
        Optional<String> domain = domainNode.requireText().map(d -> d.endsWith(".") ? d.substring(0, d.length() - 1) : d)
                .filter(d -> {
                    if (DnsNames.isHostName(d)) return true;
                    domainNode.error(domainNode.describe() + " is not a domain name");
                    return false;
                }).map(d -> d.toLowerCase(Locale.ROOT));
        ConfigNode recordNode = n.get("record");
        Optional<String> record = recordNode.requireText().filter(r -> {
            if (r.equals("@") || (DnsNames.isHostName(r) && !r.endsWith("."))) return true;
            recordNode.error(recordNode.describe() + " must be a name relative to the domain (e.g. db), or @ for the apex");
            return false;
        }).map(r -> r.toLowerCase(Locale.ROOT));
        Optional<RecordType> type = recordType(n.get("type"), instances);
        Optional<Duration> ttl = ttl(n.get("ttl"), DigitalOceanDnsConfig.MIN_TTL, DigitalOceanDnsConfig.MIN_TTL);
        Optional<Secret> token = token(n.get("token_file"));
        Optional<URI> api = apiUrl(n.get("api_url"));
        if (domain.isEmpty() || record.isEmpty() || type.isEmpty() || ttl.isEmpty() || token.isEmpty() || api.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DigitalOceanDnsConfig(domain.get(), record.get(), type.get(), ttl.get(), token.get(),
                api.get()));
    }

    private Optional<DigitalOceanFloatingIpConfig> readFloatingIp(ConfigNode n, Scope scope,
                                                                  Optional<List<InstanceConfig>> instances,
                                                                  Optional<List<MemberConfig>> members) {
        n.allowOnly("ip", "token_file", "api_url");
        ConfigNode ipNode = n.get("ip");
        Optional<String> ip = ipNode.requireText().filter(t -> {
            InetAddress a = IpLiterals.parse(t);
            if (a instanceof Inet4Address) return true;
            ipNode.error(ipNode.describe() + " is not an IPv4 address (DigitalOcean reserved IPs are IPv4)");
            return false;
        });
        Optional<Secret> token = token(n.get("token_file"));
        Optional<URI> api = apiUrl(n.get("api_url"));
        boolean placed = true;
        if (scope == Scope.SERVICE && instances.isPresent()) {
            for (InstanceConfig i : instances.get()) {
                if (i.dropletId().isEmpty()) {
                    n.error("instance " + i.name() + " has no droplet_id: the reserved IP is assigned to the active"
                            + " instance's droplet");
                    placed = false;
                }
            }
        } else if (scope == Scope.LEADER && members.isPresent()) {
            for (MemberConfig m : members.get()) {
                if (!m.witness() && m.dropletId().isEmpty()) {
                    n.error("member " + m.id() + " has no droplet_id: the reserved IP is assigned to the leader's"
                            + " droplet (cluster.members[].droplet_id)");
                    placed = false;
                }
            }
        }
        if (ip.isEmpty() || token.isEmpty() || api.isEmpty() || !placed) return Optional.empty();
        return Optional.of(new DigitalOceanFloatingIpConfig(ip.get(), token.get(), api.get()));
    }

    private Optional<VipConfig> readVip(ConfigNode n, Scope scope, Optional<List<InstanceConfig>> instances) {
        n.allowOnly("address", "interface");
        ConfigNode addressNode = n.get("address");
        Optional<VipConfig> partial = addressNode.requireText().flatMap(t -> addressNode.parseText(PublishReader::cidr))
                .map(c -> new VipConfig(c.address(), c.prefixLength(), "placeholder"));
        ConfigNode ifNode = n.get("interface");
        Optional<String> iface = ifNode.requireText().filter(i -> {
            if (INTERFACE.matcher(i).matches()) return true;
            ifNode.error(ifNode.describe() + " is not a Linux interface name (at most 15 letters, digits, '.', '-' or '_'; an alias such as eth0:1 is not an interface)");
            return false;
        });
        boolean placed = true;
        if (scope == Scope.SERVICE && instances.isPresent()) {
            for (InstanceConfig i : instances.get()) {
                if (i.member().isEmpty()) {
                    n.error("instance " + i.name() + " has no member: the VIP is held by the cluster member on the"
                            + " active instance's host (instances[].member)");
                    placed = false;
                }
            }
        }
        if (partial.isEmpty() || iface.isEmpty() || !placed) return Optional.empty();
        return Optional.of(new VipConfig(partial.get().address(), partial.get().prefixLength(), iface.get()));
    }

    private Optional<ExecHookConfig> readExec(ConfigNode n, Scope scope) {
        n.allowOnly("command", "timeout");
        ConfigNode commandNode = n.get("command");
        Optional<List<String>> command = Optional.empty();
        Optional<List<ConfigNode>> args = commandNode.requireNonEmptyList(true);
        if (args.isPresent()) {
            List<String> words = new ArrayList<>();
            for (ConfigNode arg : args.get()) {
                arg.requireText().ifPresent(word -> {
                    Matcher m = ExecHookConfig.PLACEHOLDER.matcher(word);
                    while (m.find()) {
                        if (!ExecHookConfig.PLACEHOLDERS.contains(m.group(1))) {
                            arg.error("unknown placeholder {" + m.group(1) + "}; allowed: "
                                    + String.join(", ", ExecHookConfig.PLACEHOLDERS.stream().sorted().map(p -> "{" + p + "}").toList()));
                        }
                    }
                    words.add(word);
                });
            }
            if (words.size() == args.get().size()) command = Optional.of(words);
            if (command.isPresent() && !command.get().get(0).startsWith("/")) {
                args.get().get(0).error("must be an absolute path (no shell, no PATH lookup): " + command.get().get(0));
                command = Optional.empty();
            }
        }
        Optional<Duration> timeout = positiveDuration(n.get("timeout"), ExecHookConfig.DEFAULT_TIMEOUT);
        if (command.isEmpty() || timeout.isEmpty()) return Optional.empty();
        if (scope == Scope.LEADER) {
            for (String word : command.get()) {
                Matcher m = ExecHookConfig.PLACEHOLDER.matcher(word);
                while (m.find()) {
                    if (Set.of("service", "instance", "previous_instance", "previous_address", "reason", "droplet_id")
                            .contains(m.group(1))) {
                        commandNode.warn("{" + m.group(1) + "} is empty under leader.publish; it names a service's"
                                + " instance (the leader scope has {role}, {term}, {member}, {address})");
                    }
                }
            }
        }
        return Optional.of(new ExecHookConfig(command.get(), timeout.get()));
    }

    private Optional<WebhookConfig> readWebhook(ConfigNode n) {
        n.allowOnly("url", "timeout", "token_file");
        ConfigNode urlNode = n.get("url");
        Optional<URI> url = urlNode.requireText().flatMap(t -> urlNode.parseText(PublishReader::httpUrl));
        url.ifPresent(u -> {
            if (u.getRawUserInfo() != null) urlNode.error("must not hold credentials; use token_file");
        });
        if (url.isPresent() && url.get().getRawUserInfo() != null) url = Optional.empty();
        Optional<Duration> timeout = positiveDuration(n.get("timeout"), WebhookConfig.DEFAULT_TIMEOUT);
        ConfigNode tokenNode = n.get("token_file");
        Optional<Optional<Secret>> token = tokenNode.isPresent()
                ? tokenFile(tokenNode).map(Optional::of) : Optional.of(Optional.empty());
        if (url.isPresent() && token.isPresent() && token.get().isPresent() && "http".equals(url.get().getScheme())
                && !isLoopback(url.get().getHost())) {
            urlNode.warn("sends its bearer token over plain http to " + url.get().getHost() + "; use https");
        }
        if (url.isEmpty() || timeout.isEmpty() || token.isEmpty()) return Optional.empty();
        return Optional.of(new WebhookConfig(url.get(), timeout.get(), token.get()));
    }

    // ---------------------------------------------------------------- shared readers

    /**
     * The record type as written, or inferred from the instances' addresses when left out (all IPv4: A, all
     * IPv6: AAAA, all host names: CNAME); every instance's address must fit it.
     */
    private static Optional<RecordType> recordType(ConfigNode node, Optional<List<InstanceConfig>> instances) {
        Optional<RecordType> type;
        if (node.isPresent()) {
            Optional<String> text = node.asText();
            if (text.isEmpty()) return Optional.empty();
            type = java.util.Arrays.stream(RecordType.values()).filter(t -> t.name().equalsIgnoreCase(text.get())).findFirst();
            if (type.isEmpty()) {
                node.error(node.describe() + " is not one of: A, AAAA, CNAME");
                return Optional.empty();
            }
        } else {
            if (instances.isEmpty()) return Optional.empty();
            Set<RecordType> fits = new java.util.HashSet<>();
            for (InstanceConfig i : instances.get()) fits.add(fit(i.address()));
            if (fits.size() != 1) {
                node.error("required: the instances' addresses are of different kinds (A, AAAA, CNAME); say which to publish");
                return Optional.empty();
            }
            return Optional.of(fits.iterator().next());
        }
        if (instances.isPresent()) {
            boolean ok = true;
            for (InstanceConfig i : instances.get()) {
                if (fit(i.address()) != type.get()) {
                    node.error("instance " + i.name() + " has address " + i.address().text() + ", which a " + type.get()
                            + " record cannot hold" + (type.get() == RecordType.CNAME ? " (a CNAME needs a host name)" : ""));
                    ok = false;
                }
            }
            if (!ok) return Optional.empty();
        }
        return type;
    }

    private static RecordType fit(InstanceAddress address) {
        if (address instanceof InstanceAddress.Ip ip) return ip.isIpv6() ? RecordType.AAAA : RecordType.A;
        return RecordType.CNAME;
    }

    private static Optional<String> absoluteName(ConfigNode node) {
        return node.requireText().filter(t -> {
            if (DnsNames.isHostName(t) || t.equals(".")) return true;
            node.error(node.describe() + " is not a DNS name");
            return false;
        }).map(DnsNames::toAbsolute);
    }

    private static boolean isInside(String name, String zone) {
        return name.equals(zone) || name.endsWith("." + zone);
    }

    private static Optional<Duration> ttl(ConfigNode node, Duration defaultValue, Duration min) {
        if (!node.isPresent()) return Optional.of(defaultValue);
        return node.asDuration().filter(d -> {
            if (d.compareTo(min) < 0) {
                node.error(Durations.format(d) + " is below the minimum of " + Durations.format(min));
                return false;
            }
            if (d.toSeconds() > Integer.MAX_VALUE || d.toMillis() % 1000 != 0) {
                node.error(Durations.format(d) + " is not a whole number of seconds (DNS TTLs are seconds)");
                return false;
            }
            return true;
        });
    }

    private static Optional<Duration> positiveDuration(ConfigNode node, Duration defaultValue) {
        if (!node.isPresent()) return Optional.of(defaultValue);
        return node.asDuration().filter(d -> {
            if (!d.isZero()) return true;
            node.error("must be longer than 0s");
            return false;
        });
    }

    /** {@code token_file}, or the environment's {@value #DIGITALOCEAN_TOKEN_ENV} when the key is absent. */
    private Optional<Secret> token(ConfigNode tokenFile) {
        if (tokenFile.isPresent()) return tokenFile(tokenFile);
        String fromEnv = env.apply(DIGITALOCEAN_TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Secret(fromEnv.strip().getBytes(StandardCharsets.UTF_8),
                    "environment variable " + DIGITALOCEAN_TOKEN_ENV));
        }
        tokenFile.error("required (or set " + DIGITALOCEAN_TOKEN_ENV + " in the environment)");
        return Optional.empty();
    }

    private Optional<Secret> tokenFile(ConfigNode node) {
        return SecretFiles.readToken(node, configDir);
    }

    private static Optional<URI> apiUrl(ConfigNode node) {
        if (!node.isPresent()) return Optional.of(URI.create(DigitalOceanDnsConfig.DEFAULT_API_URL));
        return node.parseText(PublishReader::httpUrl).filter(u -> {
            // The token rides in a header: over plain http it would cross the network in the clear.
            if ("https".equals(u.getScheme()) || isLoopback(u.getHost())) return true;
            node.error("must be https (plain http is allowed only to a loopback address, for tests)");
            return false;
        }).map(u -> {
            String s = u.toString();
            return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        });
    }

    static URI httpUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a URL: " + e.getReason());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an http:// or https:// URL with a host");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        if (host == null) return false;
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) return true;
        InetAddress a = IpLiterals.parse(h);
        return a != null && a.isLoopbackAddress();
    }

    record Cidr(InetAddress address, int prefixLength) {
    }

    static Cidr cidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("\"" + text + "\" needs a prefix length, e.g. 10.0.0.100/24");
        InetAddress a = IpLiterals.parse(text.substring(0, slash));
        if (a == null) throw new IllegalArgumentException("\"" + text + "\" does not start with an IP address");
        String len = text.substring(slash + 1);
        int max = a.getAddress().length * 8;
        if (!len.matches("\\d{1,3}") || Integer.parseInt(len) > max || Integer.parseInt(len) == 0) {
            throw new IllegalArgumentException("\"" + text + "\" has an invalid prefix length; 1 to " + max);
        }
        return new Cidr(a, Integer.parseInt(len));
    }
}
