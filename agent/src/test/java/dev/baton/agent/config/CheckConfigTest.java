package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.check.CheckSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckConfigTest extends ConfigTestSupport {
    private static final String DB_CHECK =
            "check: {http: \"http://{address}:8081/health\", interval: 100ms, timeout: 80ms, rise: 2, fall: 2}";

    private String withDbCheck(String check) {
        return example(DB_CHECK, "check: " + check);
    }

    private CheckSpec checkOf(BatonConfig config, int service, int instance) {
        return config.services().get(service).instances().get(instance).check();
    }

    @Test
    void intervalIsAtLeast10Milliseconds() throws Exception {
        assertThat(errors(example("interval: 100ms", "interval: 0ms")))
                .containsExactly("services[0].check.interval: \"0ms\" must be at least 10ms");
        assertThat(checkOf(load(example("interval: 100ms, timeout: 80ms", "interval: 10ms, timeout: 10ms")), 0, 0)
                .timing().interval()).isEqualTo(Duration.ofMillis(10));
        assertThat(errors(example("interval: 100ms", "interval: 100")))
                .containsExactly("services[0].check.interval: expected a duration with a unit (ms, s, m, h),"
                        + " got 100; write e.g. 100ms or 100s");
    }

    @Test
    void timeoutIsPositiveAndAtMostTheInterval() throws Exception {
        assertThat(errors(example("timeout: 80ms", "timeout: 0ms")))
                .containsExactly("services[0].check.timeout: \"0ms\" must be more than 0");
        assertThat(errors(example("timeout: 80ms", "timeout: 150ms")))
                .containsExactly("services[0].check.timeout: \"150ms\" must not exceed the interval (100ms):"
                        + " a check must finish before the next one starts");
        assertThat(checkOf(load(example("timeout: 80ms", "timeout: 100ms")), 0, 0).timing().timeout())
                .isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void timeoutDefaultsToTheIntervalCappedAtOneSecond() throws Exception {
        assertThat(checkOf(load(withDbCheck("{http: \"http://{address}/\", interval: 300ms}")), 0, 0).timing().timeout())
                .isEqualTo(Duration.ofMillis(300));
        assertThat(checkOf(load(withDbCheck("{http: \"http://{address}/\", interval: 5s}")), 0, 0).timing().timeout())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void riseAndFallAreFrom1To100() throws Exception {
        assertThat(errors(example("rise: 2", "rise: 0")))
                .containsExactly("services[0].check.rise: must be from 1 to 100, got 0");
        assertThat(errors(example("fall: 2", "fall: 101")))
                .containsExactly("services[0].check.fall: must be from 1 to 100, got 101");
        CheckSpec.Timing timing = checkOf(load(example("rise: 2, fall: 2", "rise: 1, fall: 100")), 0, 0).timing();
        assertThat(timing.rise()).isEqualTo(1);
        assertThat(timing.fall()).isEqualTo(100);
    }

    @Test
    void jitterDefaultsToATenthOfTheIntervalAndIsAtMostTheInterval() throws Exception {
        assertThat(checkOf(load(withDbCheck("{http: \"http://{address}/\", interval: 2s}")), 0, 0).timing().jitter())
                .isEqualTo(Duration.ofMillis(200));
        assertThat(checkOf(load(example("fall: 2}", "fall: 2, jitter: 0ms}")), 0, 0).timing().jitter()).isZero();
        assertThat(errors(example("fall: 2}", "fall: 2, jitter: 101ms}")))
                .containsExactly("services[0].check.jitter: \"101ms\" must not exceed the interval (100ms)");
    }

    @Test
    void exactlyOneKindPerCheckMap() {
        assertThat(errors(withDbCheck("{http: \"http://{address}/\", tcp: \"{address}:80\"}")))
                .containsExactly("services[0].check: give exactly one of http, tcp, exec; got http, tcp");
    }

    @Test
    void everyInstanceNeedsACheckFromTheServiceOrItself() {
        assertThat(errors(example("    " + DB_CHECK + "\n", "")))
                .containsExactly("services[0].instances[0]: no check: give check with one of http, tcp, exec here"
                        + " or in the service");
        assertThat(errors(withDbCheck("{interval: 1s}")))
                .as("timing alone is not a check")
                .containsExactly("services[0].instances[0]: no check: give check with one of http, tcp, exec here"
                        + " or in the service");
    }

    @Test
    void httpTakesAnHttpOrHttpsUrlStatusRangeBodyAndInsecure() throws Exception {
        CheckSpec check = checkOf(load(withDbCheck("{https: x}".replace("{https: x}",
                "{http: \"https://{address}:8443/ready\", expect_status: \"200-204\", body_contains: ok, insecure: true}"))), 0, 0);
        assertThat(check).isInstanceOfSatisfying(CheckSpec.Http.class, http -> {
            assertThat(http.url()).isEqualTo(URI.create("https://127.0.0.1:8443/ready"));
            assertThat(http.minStatus()).isEqualTo(200);
            assertThat(http.maxStatus()).isEqualTo(204);
            assertThat(http.bodyContains()).contains("ok");
            assertThat(http.insecure()).isTrue();
        });
        CheckSpec single = checkOf(load(withDbCheck("{http: \"http://{address}/\", expect_status: 204}")), 0, 0);
        assertThat(((CheckSpec.Http) single).minStatus()).isEqualTo(204);
        assertThat(((CheckSpec.Http) single).maxStatus()).isEqualTo(204);

        assertThat(errors(withDbCheck("{http: \"ftp://{address}/\"}")))
                .containsExactly("services[0].check.http: \"ftp://{address}/\" gives \"ftp://127.0.0.1/\" for instance"
                        + " a, which must be an http:// or https:// URL");
        assertThat(errors(withDbCheck("{http: \"http://health/ok\", expect_status: \"399-200\"}")))
                .containsExactly("services[0].check.expect_status: \"399-200\" must be a range within 100-599 with"
                        + " the lower bound first");
        assertThat(errors(withDbCheck("{http: \"http://health/ok\", expect_status: ok}")))
                .containsExactly("services[0].check.expect_status: \"ok\" is not a status or a range of statuses,"
                        + " e.g. 200 or 200-399");
        assertThat(errors(withDbCheck("{http: \"http://has space/\"}")))
                .singleElement().asString().startsWith("services[0].check.http: \"http://has space/\" is not a valid URL");
    }

    @Test
    void httpOptionsApplyOnlyToHttp() {
        assertThat(errors(withDbCheck("{tcp: \"{address}:80\", body_contains: ok}")))
                .containsExactly("services[0].check.body_contains: applies only to http checks");
    }

    @Test
    void tcpTakesHostPortWithAddressSubstitution() throws Exception {
        assertThat(checkOf(load(withDbCheck("{tcp: \"{address}:5432\"}")), 0, 1))
                .as("instance b overrides with its own tcp check").isInstanceOf(CheckSpec.Tcp.class);
        CheckSpec check = checkOf(load(withDbCheck("{tcp: \"{address}:5432\"}")), 0, 0);
        assertThat(check).isEqualTo(new CheckSpec.Tcp("127.0.0.1", 5432, defaultTiming()));
        assertThat(errors(withDbCheck("{tcp: \"{address}\"}"))).containsExactly(
                "services[0].check.tcp: \"{address}\" gives \"127.0.0.1\" for instance a, which is not host:port"
                        + " (the port is missing)");
        assertThat(errors(example("check: {tcp: \"127.0.0.2:5432\"}", "check: {tcp: \"db:x\"}")))
                .containsExactly("services[0].instances[1].check.tcp: \"db:x\" has an invalid port; it must be a"
                        + " number from 0 to 65535");
    }

    @Test
    void ipv6AddressesAreBracketedInUrlsAndHostPortButNotInCommands() throws Exception {
        String yaml = example("{name: a, address: 127.0.0.1, priority: 1}", "{name: a, address: \"fd00::1\", priority: 1}")
                .replace("{name: q1, address: 127.0.0.3}", "{name: q1, address: \"::1\"}")
                .replace("\"127.0.0.2:5432\"", "[check-db, \"--host={address}\"]").replace("{tcp: [", "{exec: [")
                .replace("{name: b, address: 127.0.0.2", "{name: b, address: \"fd00::2\"");
        BatonConfig config = load(yaml);
        assertThat(((CheckSpec.Http) checkOf(config, 0, 0)).url()).isEqualTo(URI.create("http://[fd00::1]:8081/health"));
        assertThat(((CheckSpec.Exec) checkOf(config, 0, 1)).command()).containsExactly("check-db", "--host=fd00::2");
        assertThat(checkOf(config, 1, 0)).isEqualTo(new CheckSpec.Tcp("::1", 5672, defaultTiming()));
    }

    @Test
    void hostNamesAreSubstitutedWithoutTheRootDot() throws Exception {
        BatonConfig config = load(example("{name: a, address: 127.0.0.1, priority: 1}",
                "{name: a, address: db1.example.com., priority: 1}"));
        assertThat(((CheckSpec.Http) checkOf(config, 0, 0)).url()).isEqualTo(URI.create("http://db1.example.com:8081/health"));
    }

    @Test
    void execTakesAListOrAStringSplitOnWhitespace() throws Exception {
        assertThat(((CheckSpec.Exec) checkOf(load(withDbCheck("{exec: \"pg_isready  -h {address} -t 1\"}")), 0, 0)).command())
                .containsExactly("pg_isready", "-h", "127.0.0.1", "-t", "1");
        assertThat(((CheckSpec.Exec) checkOf(load(withDbCheck("{exec: [sh, -c, \"test -e /tmp/{address}\"]}")), 0, 0)).command())
                .containsExactly("sh", "-c", "test -e /tmp/127.0.0.1");
        assertThat(errors(withDbCheck("{exec: []}")))
                .containsExactly("services[0].check.exec: must name a command, e.g. [pg_isready, -h, \"{address}\"]");
        assertThat(errors(withDbCheck("{exec: [ok, [nested]]}")))
                .containsExactly("services[0].check.exec[1]: expected a string, got a list");
    }

    @Test
    void instanceCheckKeysOverrideTheServiceKeyByKey() throws Exception {
        String yaml = withDbCheck("{http: \"http://{address}:8081/health\", expect_status: 204, interval: 200ms,"
                + " fall: 3}")
                .replace("{name: a, address: 127.0.0.1, priority: 1}",
                        "{name: a, address: 127.0.0.1, priority: 1, check: {timeout: 50ms, body_contains: up}}")
                .replace("check: {tcp: \"127.0.0.2:5432\"}", "check: {tcp: \"{address}:5432\", rise: 5}");
        BatonConfig config = load(yaml);

        // Instance a gives no kind: the service's http check and options stay, its own keys replace single keys.
        assertThat(checkOf(config, 0, 0)).isEqualTo(new CheckSpec.Http(URI.create("http://127.0.0.1:8081/health"),
                204, 204, Optional.of("up"), false,
                new CheckSpec.Timing(Duration.ofMillis(200), Duration.ofMillis(50), 2, 3, Duration.ofMillis(20))));
        // Instance b gives a kind: it replaces http and its options (expect_status is not carried to tcp, so no
        // error), while timing keys it does not give are inherited.
        assertThat(checkOf(config, 0, 1)).isEqualTo(new CheckSpec.Tcp("127.0.0.2", 5432,
                new CheckSpec.Timing(Duration.ofMillis(200), Duration.ofMillis(200), 5, 3, Duration.ofMillis(20))));
    }

    @Test
    void crossKeyErrorsPointAtTheKeyThatWasWritten() {
        String yaml = example("{name: a, address: 127.0.0.1, priority: 1}",
                "{name: a, address: 127.0.0.1, priority: 1, check: {interval: 50ms}}");
        assertThat(errors(yaml)).as("inherited timeout 80ms exceeds the instance's interval")
                .containsExactly("services[0].check.timeout: \"80ms\" must not exceed the interval (50ms): a check"
                        + " must finish before the next one starts");
    }

    @Test
    void aServiceLevelErrorIsReportedOnceAndEvenWhenEveryInstanceOverridesIt() {
        String yaml = withDbCheck("{http: \"http://{address}/\", rise: 0}")
                .replace("{name: a, address: 127.0.0.1, priority: 1}",
                        "{name: a, address: 127.0.0.1, priority: 1, check: {rise: 1}}")
                .replace("check: {tcp: \"127.0.0.2:5432\"}", "check: {tcp: \"127.0.0.2:5432\", rise: 1}");
        assertThat(errors(yaml)).containsExactly("services[0].check.rise: must be from 1 to 100, got 0");
        assertThat(errors(withDbCheck("{http: \"http://{address}/\", rise: 0}")))
                .as("inherited by two instances, reported once")
                .isEqualTo(List.of("services[0].check.rise: must be from 1 to 100, got 0"));
    }

    @Test
    void unknownCheckKeysAreErrors() {
        assertThat(errors(example("rise: 2,", "rise: 2, retries: 3,")))
                .containsExactly("services[0].check.retries: unknown key; allowed: http, tcp, exec, expect_status,"
                        + " body_contains, insecure, interval, timeout, rise, fall, jitter");
    }

    private static CheckSpec.Timing defaultTiming() {
        return new CheckSpec.Timing(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 2, Duration.ofMillis(100));
    }
}
