package dev.baton.agent.publish.vip;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class ArpingFlavorTest {
    @Test
    void recognisesBothProgramsByWhatTheyPrint() {
        assertThat(ArpingFlavor.recognise("ARPing 2.23, by Thomas Habets <thomas@habets.se>\nusage: arping [ -0aAbdDeFpPqrRuUvzZ ]"))
                .contains(ArpingFlavor.HABETS);
        assertThat(ArpingFlavor.recognise("arping from iputils 20221126\nlibcap: yes, IDN: yes")).contains(ArpingFlavor.IPUTILS);
        assertThat(ArpingFlavor.recognise("busybox arping")).isEmpty();
    }

    @Test
    void habetsNeedsTheVipAsSenderAndTakesFractionalIntervals() throws Exception {
        assertThat(ArpingFlavor.HABETS.announce("eth0", InetAddress.getByName("192.0.2.100"), 3, 100))
                .containsExactly("arping", "-q", "-U", "-c", "3", "-W", "0.100", "-i", "eth0", "-S", "192.0.2.100", "192.0.2.100");
        assertThat(ArpingFlavor.IPUTILS.announce("eth0", InetAddress.getByName("192.0.2.100"), 3, 100))
                .containsExactly("arping", "-q", "-U", "-c", "3", "-I", "eth0", "192.0.2.100");
    }

    @Test
    void noReplyIsNormalForAnAnnouncementButAnErrorMessageIsNot() {
        assertThat(ArpingFlavor.HABETS.succeeded(0, "")).isTrue();
        assertThat(ArpingFlavor.HABETS.succeeded(1, "")).isTrue();
        assertThat(ArpingFlavor.HABETS.succeeded(1, "arping: libnet_init(LIBNET_LINK, eth9): No such device")).isFalse();
        assertThat(ArpingFlavor.IPUTILS.succeeded(2, "")).isFalse();
    }
}
