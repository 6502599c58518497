package dev.baton.agent.config;

import dev.baton.agent.check.CheckSpec;
import dev.baton.agent.config.publish.PublisherConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the {@code services} list, including each instance's merged check. */
final class ServiceReader {
    /** A DNS label (RFC 1123 section 2.1), lower case so that names compare as DNS compares them. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final String LABEL_RULE = "must be a DNS label: 1 to 63 lower-case letters, digits or hyphens,"
            + " not starting or ending with a hyphen";

    private ServiceReader() {
    }

    static Optional<List<ServiceConfig>> read(ConfigNode servicesNode, PublishReader publishReader,
                                              Optional<List<MemberConfig>> members) {
        Optional<List<ConfigNode>> items = servicesNode.requireNonEmptyList(true);
        if (items.isEmpty()) return Optional.empty();
        List<ServiceConfig> services = new ArrayList<>();
        Map<String, String> pathByName = new HashMap<>();
        for (ConfigNode item : items.get()) {
            readService(item, pathByName, publishReader, members).ifPresent(services::add);
        }
        return services.size() == items.get().size() ? Optional.of(services) : Optional.empty();
    }

    private static Optional<ServiceConfig> readService(ConfigNode service, Map<String, String> pathByName,
                                                       PublishReader publishReader,
                                                       Optional<List<MemberConfig>> members) {
        if (service.requireMap().isEmpty()) return Optional.empty();
        service.allowOnly("name", "policy", "failback", "vantage", "when_none_healthy", "check", "instances",
                "publish");

        Optional<String> name = readLabel(service.get("name"), pathByName, "service");

        ConfigNode policyNode = service.get("policy");
        Optional<SelectionPolicy> policy = policyNode.isPresent()
                ? policyNode.asEnum(SelectionPolicy.class) : Optional.of(ServiceConfig.DEFAULT_POLICY);

        ConfigNode failbackNode = service.get("failback");
        Optional<Failback> failback = failbackNode.isPresent()
                ? failbackNode.parseText(Failback::parse) : Optional.of(Failback.DEFAULT);
        if (policy.isPresent() && policy.get() == SelectionPolicy.STICKY) {
            // A sticky service never moves back on its own; a failback setting would be silently ignored.
            if (failbackNode.isPresent()) failbackNode.error("applies only to policy failover; sticky never fails back");
            failback = Optional.of(new Failback.Manual());
        }

        ConfigNode vantageNode = service.get("vantage");
        Optional<Vantage> vantage = vantageNode.isPresent()
                ? vantageNode.asEnum(Vantage.class) : Optional.of(ServiceConfig.DEFAULT_VANTAGE);

        ConfigNode noneNode = service.get("when_none_healthy");
        Optional<WhenNoneHealthy> whenNone = noneNode.isPresent()
                ? noneNode.asEnum(WhenNoneHealthy.class) : Optional.of(ServiceConfig.DEFAULT_WHEN_NONE_HEALTHY);

        Map<String, ConfigNode> serviceCheck = CheckReader.keysOf(service.get("check"));
        CheckReader.validateAlone(serviceCheck);

        Optional<List<InstanceConfig>> instances = readInstances(service.get("instances"), serviceCheck, members);
        Optional<List<PublisherConfig>> publish = publishReader.read(service.get("publish"),
                PublishReader.Scope.SERVICE, instances, members);

        if (name.isEmpty() || policy.isEmpty() || failback.isEmpty() || vantage.isEmpty() || whenNone.isEmpty()
                || instances.isEmpty() || publish.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServiceConfig(name.get(), policy.get(), failback.get(), vantage.get(), whenNone.get(),
                instances.get(), publish.get()));
    }

    private static Optional<List<InstanceConfig>> readInstances(ConfigNode instancesNode,
                                                                Map<String, ConfigNode> serviceCheck,
                                                                Optional<List<MemberConfig>> members) {
        Optional<List<ConfigNode>> items = instancesNode.requireNonEmptyList(true);
        if (items.isEmpty()) return Optional.empty();
        List<InstanceConfig> instances = new ArrayList<>();
        Map<String, String> pathByName = new HashMap<>();
        for (int i = 0; i < items.get().size(); i++) {
            ConfigNode item = items.get().get(i);
            if (item.requireMap().isEmpty()) continue;
            item.allowOnly("name", "address", "priority", "check", "droplet_id", "member");
            Optional<String> name = readLabel(item.get("name"), pathByName, "instance");
            ConfigNode addressNode = item.get("address");
            Optional<InstanceAddress> address = addressNode.requireText()
                    .flatMap(t -> addressNode.parseText(InstanceAddress::parse));
            ConfigNode priorityNode = item.get("priority");
            Optional<Integer> priority = priorityNode.isPresent() ? priorityNode.asInt() : Optional.of(i + 1);

            Map<String, ConfigNode> merged = CheckReader.merge(serviceCheck, CheckReader.keysOf(item.get("check")));
            String label = name.orElse("#" + i);
            Optional<CheckSpec> check = address.flatMap(a -> CheckReader.build(merged, a, label, item));

            Optional<Optional<Long>> dropletId = readDropletId(item.get("droplet_id"));
            Optional<Optional<Integer>> member = readMember(item.get("member"), members);

            if (name.isPresent() && address.isPresent() && priority.isPresent() && check.isPresent()
                    && dropletId.isPresent() && member.isPresent()) {
                instances.add(new InstanceConfig(name.get(), address.get(), priority.get(), check.get(),
                        dropletId.get(), member.get()));
            }
        }
        return instances.size() == items.get().size() ? Optional.of(instances) : Optional.empty();
    }

    /** {@code droplet_id}: absent is fine (empty inside); a value must be a positive whole number. */
    static Optional<Optional<Long>> readDropletId(ConfigNode node) {
        if (!node.isPresent()) return Optional.of(Optional.empty());
        return node.asLong().filter(id -> {
            if (id > 0) return true;
            node.error("must be a positive droplet id, got " + id);
            return false;
        }).map(Optional::of);
    }

    private static Optional<Optional<Integer>> readMember(ConfigNode node, Optional<List<MemberConfig>> members) {
        if (!node.isPresent()) return Optional.of(Optional.empty());
        return node.asInt().filter(id -> {
            if (members.isEmpty() || members.get().stream().anyMatch(m -> m.id() == id)) return true;
            node.error(id + " is not a member id; members are "
                    + String.join(", ", members.get().stream().map(m -> String.valueOf(m.id())).toList()));
            return false;
        }).map(Optional::of);
    }

    private static Optional<String> readLabel(ConfigNode node, Map<String, String> pathByName, String what) {
        Optional<String> name = node.requireText().filter(n -> {
            if (LABEL.matcher(n).matches()) return true;
            node.error(node.describe() + " " + LABEL_RULE);
            return false;
        });
        name.ifPresent(n -> {
            String previous = pathByName.putIfAbsent(n, node.path());
            if (previous != null) node.error("duplicate " + what + " name \"" + n + "\" (also " + previous + ")");
        });
        return name;
    }
}
