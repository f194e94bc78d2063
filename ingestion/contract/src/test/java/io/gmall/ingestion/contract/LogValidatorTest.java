package io.gmall.ingestion.contract;

import static io.gmall.ingestion.contract.Records.NOW;
import static io.gmall.ingestion.contract.Records.aStartupLog;
import static io.gmall.ingestion.contract.Records.anEventLog;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogValidatorTest {

    private final LogValidator validator = new LogValidator();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void aValidStartupIsAcceptedAndNormalised() {
        LogValidator.Result result = validator.validate(aStartupLog(), NOW);

        assertThat(result.violations()).isEmpty();
        assertThat(result.record().get("server_ts").asLong()).isEqualTo(NOW);
        assertThat(result.record().get("schema_version").asInt()).isEqualTo(1);
        assertThat(result.record().get("ts_source").asText()).isEqualTo("client");
        assertThat(result.record().get("event_id").asText()).isEqualTo("3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f");
    }

    @Test
    void everyEventKindIsAccepted() {
        for (String evid : LogFields.EVIDS) {
            assertThat(validator.validate(anEventLog(evid), NOW).violations()).as(evid).isEmpty();
        }
    }

    @Test
    void aMissingEventIdIsFilledWithAUuidOfTheContentSoAResendGetsTheSameOne() {
        ObjectNode r = aStartupLog();
        r.remove("event_id");
        String id = validator.validate(r, NOW).record().get("event_id").asText();
        assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id);

        ObjectNode resent = aStartupLog();
        resent.remove("event_id");
        assertThat(validator.validate(resent, NOW + 45_000).record().get("event_id").asText()).as("the same record resent later").isEqualTo(id);
        ObjectNode otherDevice = with(without(aStartupLog(), "event_id"), "mid", F.textNode("mid_2"));
        assertThat(validator.validate(otherDevice, NOW).record().get("event_id").asText()).isNotEqualTo(id);
    }

    @Test
    void aRecordWithoutClientTimeIsIdentifiedByItsContentAndReceiveMinute() {
        ObjectNode seed = aStartupLog();
        seed.remove("event_id");
        long minute = Math.floorDiv(NOW, 60_000) * 60_000;
        String first = idAsStampedOnReceipt(seed, minute + 1_000);

        assertThat(idAsStampedOnReceipt(seed, minute + 59_000)).as("an nginx retry within the minute").isEqualTo(first);
        assertThat(idAsStampedOnReceipt(seed, minute + 61_000)).as("the same content a minute later is another event").isNotEqualTo(first);
    }

    /** As the legacy endpoint does: no client time, so the receive time is stamped in before validation. */
    private String idAsStampedOnReceipt(ObjectNode sent, long receivedAt) {
        ObjectNode r = sent.deepCopy();
        r.put("ts", receivedAt);
        r.put("ts_source", "server");
        return validator.validate(r, receivedAt).record().get("event_id").asText();
    }

    @Test
    void unknownFieldsAreKept() {
        ObjectNode r = aStartupLog();
        r.put("screen", "1080x2400");
        r.putObject("experiment").put("bucket", "B");
        JsonNode accepted = validator.validate(r, NOW).record();
        assertThat(accepted.get("screen").asText()).isEqualTo("1080x2400");
        assertThat(accepted.at("/experiment/bucket").asText()).isEqualTo("B");
    }

    @Test
    void anIntegerUidFromTheSeedClientIsKeptAsText() {
        ObjectNode r = aStartupLog();
        r.put("uid", 117);
        assertThat(validator.validate(r, NOW).record().get("uid").textValue()).isEqualTo("117");
    }

    @Test
    void edgeCasesThatAreValid() {
        ObjectNode lateByHours = aStartupLog();
        lateByHours.put("ts", NOW - 6 * 3_600_000L);
        ObjectNode slightlyAhead = aStartupLog();
        slightlyAhead.put("ts", NOW + 3_600_000L);
        ObjectNode chineseArea = aStartupLog();
        chineseArea.put("area", "北京");
        ObjectNode emoji = aStartupLog();
        emoji.put("ch", "渠道😀");
        ObjectNode noUid = aStartupLog();
        noUid.remove("uid");
        ObjectNode maxLengthMid = aStartupLog();
        maxLengthMid.put("mid", "m".repeat(64));
        ObjectNode couponWithoutItem = anEventLog("coupon");
        couponWithoutItem.remove("itemid");
        ObjectNode upperCaseUuid = aStartupLog();
        upperCaseUuid.put("event_id", "3F1C2A6E-8D4B-4A57-9C3E-0B5F6A7D8E9F");
        for (ObjectNode r : List.of(lateByHours, slightlyAhead, chineseArea, emoji, noUid, maxLengthMid, couponWithoutItem, upperCaseUuid)) {
            assertThat(validator.validate(r, NOW).violations()).as(r.toString()).isEmpty();
        }
    }

    @Test
    void anIntegerWrittenWithAnExponentIsAnInteger() {
        ObjectNode r = anEventLog("clickItem");
        r.put("ts", new BigDecimal("1.79499994E12"));
        r.put("itemid", new BigDecimal("12.0"));
        ObjectNode accepted = validator.validate(r, NOW).record();
        assertThat(accepted.get("ts").isIntegralNumber()).isTrue();
        assertThat(accepted.get("ts").asLong()).isEqualTo(1_794_999_940_000L);
        assertThat(accepted.get("itemid").isIntegralNumber()).isTrue();
    }

    @Test
    void allViolationsOfARecordAreReported() {
        ObjectNode r = aStartupLog();
        r.put("os", "symbian");
        r.remove("mid");
        r.put("ts", "yesterday");
        assertThat(validator.validate(r, NOW).violations()).extracting(Violation::field).containsExactlyInAnyOrder("os", "mid", "ts");
    }

    /** The malformed corpus: every mutation of a valid record, each refused for the expected field and reason. */
    static Stream<Arguments> malformedRecords() {
        List<Arguments> cases = new ArrayList<>();
        Map<String, List<JsonNode>> wrongTypes = Map.of(
                "string", List.of(F.numberNode(1), F.booleanNode(true), F.arrayNode(), F.objectNode(), F.numberNode(new BigDecimal("1.5"))),
                "integer", List.of(F.textNode("12"), F.booleanNode(false), F.arrayNode(), F.objectNode(), F.numberNode(new BigDecimal("1.5")), F.numberNode(new BigDecimal("-0.25"))));
        List<String> requiredStrings = List.of("type", "mid", "os", "appid", "area", "ch", "vs");
        for (String field : requiredStrings) {
            cases.add(Arguments.of(without(aStartupLog(), field), field, Violation.MISSING));
            cases.add(Arguments.of(with(aStartupLog(), field, F.nullNode()), field, Violation.MISSING));
            for (JsonNode bad : wrongTypes.get("string")) {
                cases.add(Arguments.of(with(aStartupLog(), field, bad), field, Violation.WRONG_TYPE));
            }
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("a\u0000b")), field, Violation.BAD_TEXT));
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("a\nb")), field, Violation.BAD_TEXT));
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("x\uD800")), field, Violation.BAD_TEXT));
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("\uDC00x")), field, Violation.BAD_TEXT));
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("\u001b[31mred")), field, Violation.BAD_TEXT));
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("line\u2028sep")), field, Violation.BAD_TEXT));
        }
        for (String field : List.of("mid", "appid", "area", "ch")) {
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("x".repeat(65))), field, Violation.TOO_LONG));
            cases.add(Arguments.of(with(aStartupLog(), field, F.textNode("x".repeat(10_000))), field, Violation.TOO_LONG));
        }
        for (String bad : List.of("", "mid 42", "mid/42", "<script>", "mid_42'--", "ünï", "😀", "a,b")) {
            cases.add(Arguments.of(with(aStartupLog(), "mid", F.textNode(bad)), "mid", Violation.BAD_FORMAT));
            cases.add(Arguments.of(with(aStartupLog(), "appid", F.textNode(bad)), "appid", Violation.BAD_FORMAT));
        }
        for (String bad : List.of("", " ", "\t".replace("\t", "  "))) {
            cases.add(Arguments.of(with(aStartupLog(), "area", F.textNode(bad)), "area", Violation.BAD_FORMAT));
            cases.add(Arguments.of(with(aStartupLog(), "ch", F.textNode(bad)), "ch", Violation.BAD_FORMAT));
        }
        for (String bad : List.of("STARTUP", "Startup", "start", "events", "display", "")) {
            cases.add(Arguments.of(with(aStartupLog(), "type", F.textNode(bad)), "type", Violation.NOT_ALLOWED));
        }
        for (String bad : List.of("IOS", "Android", "windows", "linux", "")) {
            cases.add(Arguments.of(with(aStartupLog(), "os", F.textNode(bad)), "os", Violation.NOT_ALLOWED));
        }
        for (String bad : List.of("click", "clickitem", "ADDCART", "buy", "coupons", "")) {
            cases.add(Arguments.of(with(anEventLog("clickItem"), "evid", F.textNode(bad)), "evid", Violation.NOT_ALLOWED));
        }
        for (String bad : List.of("", "v1", "1.2.0-beta", "1..2", "1.2.3.4.5", "12345.1", "latest")) {
            cases.add(Arguments.of(with(aStartupLog(), "vs", F.textNode(bad)), "vs", Violation.BAD_FORMAT));
        }
        for (String bad : List.of("", "not-a-uuid", "3f1c2a6e8d4b4a579c3e0b5f6a7d8e9f", "3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9", "{3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f}")) {
            cases.add(Arguments.of(with(aStartupLog(), "event_id", F.textNode(bad)), "event_id", Violation.BAD_FORMAT));
        }
        cases.add(Arguments.of(with(aStartupLog(), "event_id", F.numberNode(42)), "event_id", Violation.WRONG_TYPE));
        cases.add(Arguments.of(without(aStartupLog(), "ts"), "ts", Violation.MISSING));
        for (JsonNode bad : wrongTypes.get("integer")) {
            cases.add(Arguments.of(with(aStartupLog(), "ts", bad), "ts", Violation.WRONG_TYPE));
            cases.add(Arguments.of(with(anEventLog("clickItem"), "itemid", bad), "itemid", Violation.WRONG_TYPE));
            cases.add(Arguments.of(with(anEventLog("addCart"), "pgid", bad), "pgid", Violation.WRONG_TYPE));
            cases.add(Arguments.of(with(anEventLog("addFavor"), "npgid", bad), "npgid", Violation.WRONG_TYPE));
            cases.add(Arguments.of(with(aStartupLog(), "schema_version", bad), "schema_version", Violation.WRONG_TYPE));
        }
        cases.add(Arguments.of(with(aStartupLog(), "ts", F.numberNode(new java.math.BigInteger("99999999999999999999999"))), "ts", Violation.IN_FUTURE));
        cases.add(Arguments.of(with(aStartupLog(), "ts", F.numberNode(NOW + 2 * 86_400_000L)), "ts", Violation.IN_FUTURE));
        cases.add(Arguments.of(with(aStartupLog(), "ts", F.numberNode(Long.MAX_VALUE)), "ts", Violation.IN_FUTURE));
        cases.add(Arguments.of(with(aStartupLog(), "ts", F.numberNode(0L)), "ts", Violation.TOO_OLD));
        cases.add(Arguments.of(with(aStartupLog(), "ts", F.numberNode(-1L)), "ts", Violation.TOO_OLD));
        cases.add(Arguments.of(with(aStartupLog(), "ts", F.numberNode(NOW / 1000)), "ts", Violation.TOO_OLD));
        cases.add(Arguments.of(with(aStartupLog(), "ts", F.numberNode(NOW - 31 * 86_400_000L)), "ts", Violation.TOO_OLD));
        for (long bad : new long[] {-1, 1_000_000_001L, Long.MIN_VALUE}) {
            cases.add(Arguments.of(with(anEventLog("clickItem"), "itemid", F.numberNode(bad)), "itemid", Violation.OUT_OF_RANGE));
            cases.add(Arguments.of(with(anEventLog("clickItem"), "pgid", F.numberNode(bad)), "pgid", Violation.OUT_OF_RANGE));
        }
        for (String evid : LogFields.ITEM_EVIDS) {
            cases.add(Arguments.of(without(anEventLog(evid), "itemid"), "itemid", Violation.MISSING));
        }
        cases.add(Arguments.of(without(anEventLog("clickItem"), "evid"), "evid", Violation.MISSING));
        cases.add(Arguments.of(without(anEventLog("coupon"), "uid"), "uid", Violation.MISSING));
        cases.add(Arguments.of(with(aStartupLog(), "uid", F.numberNode(-5)), "uid", Violation.OUT_OF_RANGE));
        cases.add(Arguments.of(with(aStartupLog(), "uid", F.numberNode(1.5)), "uid", Violation.WRONG_TYPE));
        cases.add(Arguments.of(with(aStartupLog(), "uid", F.numberNode(new BigDecimal("1.5"))), "uid", Violation.WRONG_TYPE));
        cases.add(Arguments.of(with(aStartupLog(), "uid", F.textNode("user 1")), "uid", Violation.BAD_FORMAT));
        cases.add(Arguments.of(with(aStartupLog(), "uid", F.booleanNode(true)), "uid", Violation.WRONG_TYPE));
        cases.add(Arguments.of(with(aStartupLog(), "schema_version", F.numberNode(2)), "schema_version", Violation.UNSUPPORTED_VERSION));
        cases.add(Arguments.of(with(aStartupLog(), "schema_version", F.numberNode(0)), "schema_version", Violation.UNSUPPORTED_VERSION));
        ObjectNode manyFields = aStartupLog();
        for (int i = 0; i < 60; i++) {
            manyFields.put("extra_" + i, i);
        }
        cases.add(Arguments.of(manyFields, "$", Violation.TOO_LARGE));
        cases.add(Arguments.of(with(aStartupLog(), "note", F.textNode("n".repeat(9_000))), "$", Violation.TOO_LARGE));
        for (JsonNode notObject : List.of(F.textNode("startup"), F.numberNode(1), F.arrayNode().add(aStartupLog()), F.nullNode(), F.booleanNode(true))) {
            cases.add(Arguments.of(notObject, "$", Violation.NOT_OBJECT));
        }
        return cases.stream();
    }

    @Test
    void theCorpusHasAtLeastTwoHundredCases() {
        assertThat(malformedRecords().count()).isGreaterThanOrEqualTo(200);
    }

    @ParameterizedTest(name = "{1} {2}: {0}")
    @MethodSource("malformedRecords")
    void eachMalformedRecordIsRejectedWithItsReason(JsonNode record, String field, String code) {
        LogValidator.Result result = validator.validate(record, NOW);

        assertThat(result.accepted()).isFalse();
        assertThat(result.record()).isNull();
        assertThat(result.violations()).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.code()).isEqualTo(code);
            assertThat(v.message()).isNotBlank();
        });
    }

    @Test
    void aRejectedRecordIsLeftAsSentAndAnAcceptedOneIsNormalisedInPlace() {
        // Its numbers would be normalised if it were accepted: uid 42 becomes "42", ts 1.7e12 an integer.
        ObjectNode rejected = with(with(without(aStartupLog(), "mid"), "uid", F.numberNode(42)), "ts", F.numberNode(new BigDecimal("1.7e12")));
        String sent = rejected.toString();
        validator.validate(rejected, NOW);
        assertThat(rejected.toString()).as("what goes to the DLQ is what was sent").isEqualTo(sent);

        ObjectNode accepted = with(aStartupLog(), "uid", F.numberNode(42));
        assertThat(validator.validate(accepted, NOW).record()).isSameAs(accepted);
        assertThat(accepted.get("server_ts").asLong()).isEqualTo(NOW);
        assertThat(accepted.get("uid").textValue()).isEqualTo("42");
    }

    @Test
    void theHandWrittenFormatChecksAgreeWithTheirRegularExpressions() {
        java.util.regex.Pattern id = java.util.regex.Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");
        java.util.regex.Pattern uuid = java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        List<String> texts = List.of("", "a", "mid_1", "Mid.9:x@y-z", "x".repeat(64), "x".repeat(65), "mid 1", "mid/1", "é", "\u0663", "a\u0000",
                "3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f", "3F1C2A6E-8D4B-4A57-9C3E-0B5F6A7D8E9F", "3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9", "3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9g",
                "3f1c2a6e8d4b-4a57-9c3e-0b5f6a7d8e9f0", "3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f-", "\uff13f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f");
        for (String text : texts) {
            assertThat(LogValidator.isId(text)).as("id %s", text).isEqualTo(id.matcher(text).matches());
            assertThat(LogValidator.isUuid(text)).as("uuid %s", text).isEqualTo(uuid.matcher(text).matches());
        }
    }

    @Test
    void theSizeOfARecordIsCountedAsTheMapperWritesIt() {
        ObjectNode r = aStartupLog();
        r.put("quote", "say \"hi\" \\ back");
        r.put("controls", "tab\tnew\nline\r\b\f bell\u0007 nul\u0000");
        r.put("unicode", "广东 \u00e9 \ud83d\ude00 \u2028");
        r.put("decimal", new BigDecimal("1.50E+3"));
        r.put("negative", -12345678901L);
        r.put("double", 0.1d);
        r.putNull("nothing");
        r.put("yes", true);
        r.putArray("list").add(1).add("two").addNull().addObject().put("k", "v");
        r.putObject("empty");
        r.putArray("none");
        assertThat(LogValidator.jsonChars(r)).isEqualTo(r.toString().length());
    }

    private static ObjectNode with(ObjectNode r, String field, JsonNode value) {
        r.set(field, value);
        return r;
    }

    private static ObjectNode without(ObjectNode r, String field) {
        r.remove(field);
        return r;
    }
}
