package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @Test
    void parsesIpv4Ipv6AndNames() {
        assertThat(HostPort.parse("127.0.0.1:7401")).isEqualTo(new HostPort("127.0.0.1", 7401));
        assertThat(HostPort.parse("[::1]:7401")).isEqualTo(new HostPort("::1", 7401));
        assertThat(HostPort.parse("Node-1.Example:0")).isEqualTo(new HostPort("node-1.example", 0));
        assertThat(HostPort.parse("[2001:db8::1]:53").toString()).isEqualTo("[2001:db8::1]:53");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|is not host:port (the port is missing)",
            ":80|has no host",
            "::1:80|needs brackets around an IPv6 address, e.g. [::1]:7401",
            "[::1]|is not host:port; write IPv6 in brackets, e.g. [::1]:7401",
            "[127.0.0.1]:80|has brackets, which are only for IPv6 addresses",
            "[::zz]:80|has an invalid IPv6 address \"::zz\"",
            "host_name:80|has an invalid host \"host_name\"",
            "300.0.0.1:80|has an invalid host \"300.0.0.1\"",
            "host:65536|has an invalid port; it must be a number from 0 to 65535",
            "host:-1|has an invalid port; it must be a number from 0 to 65535"})
    void rejectsMalformedEndpoints(String text, String problem) {
        assertThatThrownBy(() -> HostPort.parse(text)).hasMessage("\"" + text + "\" " + problem);
    }
}
