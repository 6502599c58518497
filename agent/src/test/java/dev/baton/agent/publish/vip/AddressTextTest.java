package dev.baton.agent.publish.vip;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressTextTest {
    @Test
    void writesIpv6AsRfc5952() throws Exception {
        assertThat(AddressText.of(InetAddress.getByName("2001:db8:0:0:0:0:1:0"))).isEqualTo("2001:db8::1:0");
        assertThat(AddressText.of(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(AddressText.of(InetAddress.getByName("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(AddressText.of(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(AddressText.of(InetAddress.getByName("fe80::"))).isEqualTo("fe80::");
        assertThat(AddressText.of(InetAddress.getByName("::"))).isEqualTo("::");
        assertThat(AddressText.cidr(InetAddress.getByName("192.0.2.100"), 24)).isEqualTo("192.0.2.100/24");
    }
}
