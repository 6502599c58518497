package dev.baton.agent.demo;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Asks one Baton node's DNS server for a name's A record, as a resolver would. */
public final class DnsProbe {
    private final SimpleResolver resolver;
    private final Name name;

    public DnsProbe(InetSocketAddress server, String name, Duration timeout) throws IOException {
        this.resolver = new SimpleResolver(server);
        this.resolver.setTimeout(timeout);
        this.name = Name.fromString(name);
    }

    /** The answered address, or a word for what went wrong: {@code SERVFAIL}, {@code NOERROR-empty}, {@code timeout}. */
    public String ask() {
        try {
            Message response = resolver.send(Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)));
            if (response.getRcode() != Rcode.NOERROR) return Rcode.string(response.getRcode());
            for (Record r : response.getSection(Section.ANSWER)) {
                if (r instanceof ARecord a) return a.getAddress().getHostAddress();
            }
            return "NOERROR-empty";
        } catch (IOException e) {
            return "timeout";
        }
    }

    public static boolean isAddress(String answer) {
        return !answer.isEmpty() && Character.isDigit(answer.charAt(0));
    }

    static InetAddress parse(String answer) throws IOException {
        return InetAddress.getByName(answer); // a literal: no lookup
    }
}
