package dev.baton.agent.decision;

import dev.baton.agent.check.InstanceHealth;

import static dev.baton.agent.check.InstanceHealth.DOWN;
import static dev.baton.agent.check.InstanceHealth.UNKNOWN;
import static dev.baton.agent.check.InstanceHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Decision FAILOVER = new Decision("db", "b", 7, "a is down (3/3 nodes); b is up (3/3 nodes)",
            1_700_000_000_123L, Map.of(
                    1, Map.of("a", DOWN, "b", UP),
                    2, Map.of("a", DOWN, "b", UP),
                    3, Map.of("a", DOWN, "b", UNKNOWN)));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode encodedTree() throws Exception {
        return (ObjectNode) JSON.readTree(DecisionCodec.encode(FAILOVER));
    }

    private static byte[] bytes(JsonNode tree) throws Exception {
        return JSON.writeValueAsBytes(tree);
    }

    @Test
    void roundTrips() {
        assertThat(DecisionCodec.decode(DecisionCodec.encode(FAILOVER))).isEqualTo(FAILOVER);
    }

    @Test
    void roundTripsAnAnswerOfNothingAndEmptyEvidence() {
        Decision none = new Decision("db", null, 0, "no instance is up; answering nothing (no_answer)", 0, Map.of());
        Decision decoded = DecisionCodec.decode(DecisionCodec.encode(none));
        assertThat(decoded).isEqualTo(none);
        assertThat(decoded.activeInstance()).isEmpty();
    }

    @Test
    void roundTripsUnicodeAndExtremeNumbers() {
        Decision d = new Decision("dé", "ü", Long.MAX_VALUE, "raison: « ok » \n\"quoted\"", Long.MIN_VALUE,
                Map.of(Integer.MAX_VALUE, Map.of(), -1, Map.of("ü", UP)));
        assertThat(DecisionCodec.decode(DecisionCodec.encode(d))).isEqualTo(d);
    }

    @Test
    void writesAFormatVersionAndReadableFields() throws Exception {
        JsonNode tree = encodedTree();
        assertThat(tree.get("format").intValue()).isEqualTo(DecisionCodec.FORMAT_VERSION).isEqualTo(1);
        assertThat(tree.get("service").textValue()).isEqualTo("db");
        assertThat(tree.get("instance").textValue()).isEqualTo("b");
        assertThat(tree.get("term").longValue()).isEqualTo(7);
        assertThat(tree.get("evidence").get("3").get("b").textValue()).isEqualTo("unknown");
    }

    @Test
    void equalDecisionsEncodeToEqualBytes() {
        Decision sameContentOtherMapOrder = new Decision("db", "b", 7, FAILOVER.reason(), FAILOVER.decidedAtEpochMillis(),
                Map.of(3, Map.of("b", UNKNOWN, "a", DOWN), 2, Map.of("b", UP, "a", DOWN), 1, Map.of("b", UP, "a", DOWN)));
        assertThat(DecisionCodec.encode(sameContentOtherMapOrder)).isEqualTo(DecisionCodec.encode(FAILOVER));
    }

    @Test
    void ignoresFieldsAddedByANewerNode() throws Exception {
        ObjectNode tree = encodedTree();
        tree.put("publisher", "rfc2136");
        tree.putObject("future").put("nested", true);
        assertThat(DecisionCodec.decode(bytes(tree))).isEqualTo(FAILOVER);
    }

    @Test
    void rejectsAnotherFormatVersion() throws Exception {
        ObjectNode tree = encodedTree();
        tree.put("format", 2);
        assertThatThrownBy(() -> DecisionCodec.decode(bytes(tree))).isInstanceOf(DecisionFormatException.class)
                .hasMessageContaining("format 2").hasMessageContaining("upgrade");
        tree.remove("format");
        assertThatThrownBy(() -> DecisionCodec.decode(bytes(tree))).isInstanceOf(DecisionFormatException.class)
                .hasMessageContaining("\"format\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"service", "instance", "term", "reason", "decidedAt", "evidence"})
    void rejectsAMissingField(String field) throws Exception {
        ObjectNode tree = encodedTree();
        tree.remove(field);
        assertThatThrownBy(() -> DecisionCodec.decode(bytes(tree))).isInstanceOf(DecisionFormatException.class)
                .hasMessageContaining("\"" + field + "\"");
    }

    @Test
    void rejectsFieldsOfTheWrongType() throws Exception {
        assertRejected(t -> t.put("term", "7"), "\"term\" must be a 64-bit integer");
        assertRejected(t -> t.put("term", 7.5), "\"term\" must be a 64-bit integer");
        assertRejected(t -> t.put("term", new java.math.BigInteger("99999999999999999999")), "64-bit integer");
        assertRejected(t -> t.put("term", -1), "negative term");
        assertRejected(t -> t.put("service", 3), "\"service\" must be a string");
        assertRejected(t -> t.put("service", " "), "without a service name");
        assertRejected(t -> t.put("instance", 1), "\"instance\" must be a string or null");
        assertRejected(t -> t.put("evidence", "none"), "\"evidence\" must be an object");
        assertRejected(t -> ((ObjectNode) t.get("evidence")).putObject("node-1"), "\"node-1\" is not a node id");
        assertRejected(t -> ((ObjectNode) t.get("evidence")).put("4", "up"), "evidence of node 4 must be an object");
        assertRejected(t -> ((ObjectNode) t.get("evidence").get("1")).put("a", "sideways"),
                "evidence of node 1 for a: \"sideways\" is not a health");
        assertRejected(t -> ((ObjectNode) t.get("evidence").get("1")).put("a", 1), "evidence of node 1 for a");
    }

    private interface Edit {
        void apply(ObjectNode tree);
    }

    private void assertRejected(Edit edit, String message) throws Exception {
        ObjectNode tree = encodedTree();
        edit.apply(tree);
        byte[] bytes = bytes(tree);
        assertThatThrownBy(() -> DecisionCodec.decode(bytes)).isInstanceOf(DecisionFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> DecisionCodec.decode(new byte[0])).isInstanceOf(DecisionFormatException.class)
                .hasMessage("empty decision");
        assertThatThrownBy(() -> DecisionCodec.decode(null)).isInstanceOf(DecisionFormatException.class);
        for (String text : new String[] {"null", "[]", "42", "\"db\"", "{", "{\"format\":1,", "not json", "{}"}) {
            assertThatThrownBy(() -> DecisionCodec.decode(utf8(text))).as(text)
                    .isInstanceOf(DecisionFormatException.class).hasMessageStartingWith("decision");
        }
        assertThatThrownBy(() -> DecisionCodec.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}))
                .isInstanceOf(DecisionFormatException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsTrailingBytesAndDuplicateKeys() {
        byte[] valid = DecisionCodec.encode(FAILOVER);
        byte[] trailing = Arrays.copyOf(valid, valid.length + 3);
        trailing[valid.length] = ' ';
        trailing[valid.length + 1] = '{';
        trailing[valid.length + 2] = '}';
        assertThatThrownBy(() -> DecisionCodec.decode(trailing)).isInstanceOf(DecisionFormatException.class);

        String json = new String(valid, StandardCharsets.UTF_8).replaceFirst("\\{", "{\"term\":99,");
        assertThatThrownBy(() -> DecisionCodec.decode(utf8(json))).isInstanceOf(DecisionFormatException.class)
                .hasMessageContaining("term");
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] valid = DecisionCodec.encode(FAILOVER);
        for (int length = 0; length < valid.length; length++) {
            byte[] prefix = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> DecisionCodec.decode(prefix)).as("prefix of %d bytes", length)
                    .isInstanceOf(DecisionFormatException.class);
        }
    }

    @Test
    void decisionsValidateTheirOwnFields() {
        assertThatThrownBy(() -> new Decision("db", "", 1, "r", 0, Map.of())).hasMessageContaining("blank instance");
        assertThatThrownBy(() -> new Decision("db", "a", -5, "r", 0, Map.of())).hasMessageContaining("negative term");
        assertThatThrownBy(() -> FAILOVER.evidence().put(9, Map.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aBatchRoundTripsAndAnEntryOfFormatOneStillReads() {
        Decision db = new Decision("db", "b", 3, "a is down", 1_700_000_000_000L,
                java.util.Map.of(1, java.util.Map.of("a", dev.baton.agent.check.InstanceHealth.DOWN)));
        Decision web = new Decision("web", null, 3, "none healthy", 1_700_000_000_001L, java.util.Map.of());
        assertThat(DecisionCodec.decodeEntry(DecisionCodec.encodeBatch(java.util.List.of(db, web))))
                .containsExactly(db, web);
        assertThat(DecisionCodec.decodeEntry(DecisionCodec.encode(db))).containsExactly(db);
    }

    @Test
    void aBatchThatIsEmptyOrDecidesAServiceTwiceOrOfAnUnknownFormatIsRejected() {
        assertThatThrownBy(() -> DecisionCodec.decodeEntry("{\"format\":2,\"decisions\":[]}".getBytes()))
                .isInstanceOf(DecisionFormatException.class).hasMessageContaining("non-empty");
        Decision db = new Decision("db", "b", 3, "r", 0, java.util.Map.of());
        String one = new String(DecisionCodec.encode(db)).replace("{\"format\":1,", "{");
        assertThatThrownBy(() -> DecisionCodec.decodeEntry(("{\"format\":2,\"decisions\":[" + one + "," + one + "]}").getBytes()))
                .isInstanceOf(DecisionFormatException.class).hasMessage("batch decides db twice");
        assertThatThrownBy(() -> DecisionCodec.decodeEntry("{\"format\":3,\"decisions\":[]}".getBytes()))
                .isInstanceOf(DecisionFormatException.class).hasMessageContaining("upgrade this node");
        assertThatThrownBy(() -> DecisionCodec.encodeBatch(java.util.List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
