package dev.baton.agent.dns;

import java.util.List;
import java.util.Map;

import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * One existing name of an {@link AnswerTable}, with its records precomputed. A node with no records is an
 * empty non-terminal (RFC 8020: it exists, so it answers NODATA, not NXDOMAIN).
 *
 * @param serviceData true when the node's existence or data comes from the decisions (a service name or an
 *                    ancestor of one) rather than from the static zone settings; the currentness gate applies
 * @param service     the one service whose decision this node's answers depend on (its name relative to the
 *                    zone), or null when they depend on more (an ancestor; a CNAME into the zone) or on none
 * @param cname       the CNAME record, or null
 * @param byType      RRsets by type (never CNAME), each list one RRset in a stable order
 * @param all         every record of the node, for qtype ANY
 * @param additional  records to add to the additional section of an NS answer (glue)
 */
record ZoneNode(
        Name name,
        boolean serviceData,
        String service,
        Record cname,
        Map<Integer, List<Record>> byType,
        List<Record> all,
        List<Record> additional) {

    List<Record> rrset(int type) {
        return byType.getOrDefault(type, List.of());
    }
}
