package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceRulesTest extends ConfigTestSupport {

    @Test
    void servicesAreRequiredAndNonEmpty() {
        assertThat(errors(ConfigFixture.EXAMPLE.substring(0, ConfigFixture.EXAMPLE.indexOf("services:")) + "services: []\n"))
                .containsExactly("services: must not be empty");
    }

    @Test
    void serviceNamesAreUniqueDnsLabels() {
        assertThat(errors(example("name: queue", "name: db")))
                .containsExactly("services[1].name: duplicate service name \"db\" (also services[0].name)");
        assertThat(errors(example("name: queue", "name: my_queue")))
                .containsExactly("services[1].name: \"my_queue\" must be a DNS label: 1 to 63 lower-case letters,"
                        + " digits or hyphens, not starting or ending with a hyphen");
        assertThat(errors(example("name: queue", "name: -queue"))).hasSize(1);
        assertThat(errors(example("  - name: queue\n", "  - check: {tcp: \"{address}:1\"}\n").replace(
                "    check: {tcp: \"{address}:5672\"}\n", ""))).containsExactly("services[1].name: required");
    }

    @Test
    void policyIsFailoverOrSticky() throws Exception {
        assertThat(errors(example("policy: failover", "policy: roundrobin")))
                .containsExactly("services[0].policy: \"roundrobin\" is not one of: failover, sticky");
        ServiceConfig sticky = load(example("policy: failover\n    failback: after 30s", "policy: sticky")).services().get(0);
        assertThat(sticky.policy()).isEqualTo(SelectionPolicy.STICKY);
        assertThat(sticky.failback()).as("sticky never moves back by itself").isEqualTo(new Failback.Manual());
    }

    @Test
    void failbackIsImmediateAfterADurationOrManual() throws Exception {
        assertThat(load(example("after 30s", "immediate")).services().get(0).failback()).isEqualTo(new Failback.Immediate());
        assertThat(load(example("after 30s", "manual")).services().get(0).failback()).isEqualTo(new Failback.Manual());
        assertThat(load(example("after 30s", "after 2m")).services().get(0).failback())
                .isEqualTo(new Failback.After(Duration.ofMinutes(2)));
        assertThat(errors(example("after 30s", "after")))
                .containsExactly("services[0].failback: \"after\" needs a hold-down, e.g. after 30s");
        assertThat(errors(example("after 30s", "after 30")))
                .containsExactly("services[0].failback: \"30\" has no unit; write a number and a unit (ms, s, m, h),"
                        + " e.g. 150ms, 2s, 1m or 1h");
        assertThat(errors(example("after 30s", "later")))
                .containsExactly("services[0].failback: \"later\" is not one of: immediate, after <duration>, manual");
    }

    @Test
    void failbackWithStickyIsAnError() {
        assertThat(errors(example("policy: failover", "policy: sticky")))
                .containsExactly("services[0].failback: applies only to policy failover; sticky never fails back");
    }

    @Test
    void vantageAndWhenNoneHealthyAreChecked() throws Exception {
        assertThat(errors(example("vantage: quorum", "vantage: majority")))
                .containsExactly("services[0].vantage: \"majority\" is not one of: quorum, leader, any, all");
        assertThat(load(example("vantage: quorum", "vantage: all")).services().get(0).vantage()).isEqualTo(Vantage.ALL);
        assertThat(errors(example("keep_last", "fail")))
                .containsExactly("services[0].when_none_healthy: \"fail\" is not one of: keep_last, no_answer");
        assertThat(load(example("keep_last", "no_answer")).services().get(0).whenNoneHealthy())
                .isEqualTo(WhenNoneHealthy.NO_ANSWER);
    }

    @Test
    void instancesAreNonEmptyWithUniqueLabelNames() {
        assertThat(errors(example("{name: q1, address: 127.0.0.3}", "{name: q1, address: 127.0.0.3}\n      - {name: q1, address: 127.0.0.4}")))
                .containsExactly("services[1].instances[1].name: duplicate instance name \"q1\""
                        + " (also services[1].instances[0].name)");
        assertThat(errors(example("{name: q1,", "{name: Q1,")))
                .containsExactly("services[1].instances[0].name: \"Q1\" must be a DNS label: 1 to 63 lower-case"
                        + " letters, digits or hyphens, not starting or ending with a hyphen");
        assertThat(errors(example("instances:\n      - {name: q1, address: 127.0.0.3}", "instances: []")))
                .containsExactly("services[1].instances: must not be empty");
    }

    @Test
    void instanceAddressIsAnIpLiteralOrAHostName() throws Exception {
        BatonConfig config = load(example("address: 127.0.0.3}", "address: \"2001:db8::3\"}\n      - {name: q2, address: MQ.example.com}"));
        InstanceConfig v6 = config.services().get(1).instances().get(0);
        assertThat(v6.address()).isInstanceOfSatisfying(InstanceAddress.Ip.class, ip -> {
            assertThat(ip.isIpv6()).isTrue();
            assertThat(ip.text()).isEqualTo("2001:db8::3");
        });
        InstanceConfig named = config.services().get(1).instances().get(1);
        assertThat(named.address()).isEqualTo(new InstanceAddress.HostName("mq.example.com."));
        assertThat(named.address().text()).isEqualTo("mq.example.com");

        assertThat(errors(example("address: 127.0.0.3}", "address: 300.0.0.3}")))
                .containsExactly("services[1].instances[0].address: \"300.0.0.3\" is not a valid IPv4 address");
        assertThat(errors(example("address: 127.0.0.3}", "address: \"2001:db8::zz\"}")))
                .containsExactly("services[1].instances[0].address: \"2001:db8::zz\" is not a valid IPv6 address");
        assertThat(errors(example("address: 127.0.0.3}", "address: \"db host\"}")))
                .containsExactly("services[1].instances[0].address: \"db host\" is neither an IP address nor a"
                        + " valid host name");
    }

    @Test
    void priorityDefaultsToPositionAndNeedNotBeUnique() throws Exception {
        BatonConfig config = load(example("priority: 2,", "priority: 1,")
                .replace("{name: q1, address: 127.0.0.3}", "{name: q1, address: 127.0.0.3}\n      - {name: q2, address: 127.0.0.4}"));
        assertThat(config.services().get(0).instances()).extracting(InstanceConfig::priority).containsExactly(1, 1);
        assertThat(config.services().get(1).instances()).extracting(InstanceConfig::priority).containsExactly(1, 2);
    }
}
