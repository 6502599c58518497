package dev.baton.agent.publish.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.config.HostPort;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * The answers no real primary gives on purpose, from a scripted TCP server on loopback: an unsigned answer to
 * a signed query, an answer without authority, SERVFAIL, silence. Each must become the right
 * {@link PublishException} kind and never a trusted answer.
 */
class ZonePrimaryTest {
    private static final Name FENCE = Name.fromConstantString("_baton-fence.db.ext.example.com.");
    private static final TSIG KEY = new TSIG(TSIG.HMAC_SHA256, Name.fromConstantString("baton."), new byte[32]);

    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    @Test
    void anUnsignedAnswerToASignedQueryIsNotTrusted() throws Exception {
        server = new ScriptedServer(query -> answer(query, Rcode.NOERROR, true));
        ZonePrimary primary = new ZonePrimary(server.address(), Optional.of(KEY), Duration.ofSeconds(2));

        assertThatThrownBy(() -> primary.read(FENCE, Type.TXT))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
                .hasMessageContaining("did not verify").hasMessageContaining("unsigned");
    }

    @Test
    void anAnswerWithoutAuthorityIsNotThePrimarys() throws Exception {
        server = new ScriptedServer(query -> answer(query, Rcode.NOERROR, false));
        ZonePrimary primary = new ZonePrimary(server.address(), Optional.empty(), Duration.ofSeconds(2));

        assertThatThrownBy(() -> primary.read(FENCE, Type.TXT))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
                .hasMessageContaining("no AA flag");
    }

    @Test
    void servfailIsTransient() throws Exception {
        server = new ScriptedServer(query -> answer(query, Rcode.SERVFAIL, true));
        ZonePrimary primary = new ZonePrimary(server.address(), Optional.empty(), Duration.ofSeconds(2));

        assertThatThrownBy(() -> primary.read(FENCE, Type.TXT))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT))
                .hasMessageContaining("SERVFAIL");
    }

    @Test
    void silenceIsATransientTimeout() throws Exception {
        server = new ScriptedServer(query -> null);
        ZonePrimary primary = new ZonePrimary(server.address(), Optional.empty(), Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThatThrownBy(() -> primary.read(FENCE, Type.TXT))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT))
                .hasMessageContaining(server.address().toString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    private static Message answer(Message query, int rcode, boolean authoritative) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (authoritative) response.getHeader().setFlag(Flags.AA);
        response.getHeader().setRcode(rcode);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        return response;
    }

    /** Answers each TCP query (RFC 1035 section 4.2.2 framing) with what the script makes of it; null: silence. */
    private static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        ScriptedServer(UnaryOperator<Message> script) throws IOException {
            socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(script), "scripted-dns");
            thread.setDaemon(true);
            thread.start();
        }

        HostPort address() {
            return new HostPort("127.0.0.1", socket.getLocalPort());
        }

        private void serve(UnaryOperator<Message> script) {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.setSoTimeout(5_000);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] wire = new byte[in.readUnsignedShort()];
                    in.readFully(wire);
                    Message response = script.apply(new Message(wire));
                    if (response == null) {
                        in.read(); // hold the connection open until the client gives up
                        continue;
                    }
                    byte[] out = response.toWire(65535);
                    DataOutputStream dos = new DataOutputStream(s.getOutputStream());
                    dos.writeShort(out.length);
                    dos.write(out);
                    dos.flush();
                } catch (IOException e) {
                    // the client went away, or close(): next connection or exit
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
