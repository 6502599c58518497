package dev.baton.agent.publish.rfc2136;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/** The TSIG algorithms (RFC 8945 section 6) the {@code rfc2136} publisher accepts, by their config names. */
final class TsigAlgorithms {
    /** The default: HMAC-SHA256 is mandatory to implement (RFC 8945 section 6). */
    static final String DEFAULT = "hmac-sha256";

    private static final Map<String, Name> BY_NAME = byName();

    /** The accepted names, in order of preference; hmac-md5 and hmac-sha1 only for old servers. */
    static final Set<String> NAMES = BY_NAME.keySet();

    private TsigAlgorithms() {
    }

    private static Map<String, Name> byName() {
        Map<String, Name> m = new LinkedHashMap<>();
        m.put("hmac-sha256", TSIG.HMAC_SHA256);
        m.put("hmac-sha512", TSIG.HMAC_SHA512);
        m.put("hmac-sha384", TSIG.HMAC_SHA384);
        m.put("hmac-sha224", TSIG.HMAC_SHA224);
        m.put("hmac-sha1", TSIG.HMAC_SHA1);
        m.put("hmac-md5", TSIG.HMAC_MD5);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** dnsjava's algorithm name for {@code algorithm}; throws {@link IllegalArgumentException} naming the set. */
    static Name toName(String algorithm) {
        Name name = BY_NAME.get(algorithm.toLowerCase(Locale.ROOT));
        if (name == null) {
            throw new IllegalArgumentException("unknown TSIG algorithm \"" + algorithm + "\"; use one of "
                    + String.join(", ", NAMES));
        }
        return name;
    }
}
