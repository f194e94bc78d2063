package io.gmall.ingestion.contract;

import static io.gmall.ingestion.contract.LogFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks one behaviour-log record against the contract and, when it holds, returns it normalised for
 * Kafka: {@code server_ts} set, a missing {@code event_id} filled, {@code schema_version} explicit.
 * Every violation is reported, not just the first. Fields the contract does not know are kept.
 */
public final class LogValidator {

    /** Bounds a record must respect; the defaults are the contract's. */
    public record Limits(Duration maxFuture, Duration maxAge, int maxFields, int maxRecordChars) {
        public static final Limits DEFAULT = new Limits(Duration.ofDays(1), Duration.ofDays(30), 64, 8 * 1024);
    }

    /** The outcome for one record: exactly one of {@code record} and {@code violations} is meaningful. */
    public record Result(ObjectNode record, List<Violation> violations) {
        public boolean accepted() {
            return violations.isEmpty();
        }
    }

    // The formats of the fields every record has are checked char by char, not by a regex: they are most of the
    // collector's validation time otherwise.
    /** [A-Za-z0-9_.:@-]{1,64} */
    private static final Predicate<String> ID = LogValidator::isId;
    /** [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12} */
    private static final Predicate<String> UUID_TEXT = LogValidator::isUuid;
    private static final Predicate<String> VERSION = Pattern.compile("\\d{1,4}(\\.\\d{1,4}){0,3}").asMatchPredicate();
    private static final int MAX_LABEL_CHARS = 64;
    private static final long MAX_PAGE_OR_ITEM = 1_000_000_000L;

    private final Limits limits;

    public LogValidator(Limits limits) {
        this.limits = limits;
    }

    public LogValidator() {
        this(Limits.DEFAULT);
    }

    /**
     * @param node        one element of a request body, normalised in place when it is accepted (the caller owns it;
     *                    a rejected one is left as it was sent)
     * @param serverNowMs the receive time, which becomes {@code server_ts}
     */
    public Result validate(JsonNode node, long serverNowMs) {
        List<Violation> v = new ArrayList<>();
        if (node == null || !node.isObject()) {
            v.add(new Violation(Violation.NOT_OBJECT, "$", "a record must be a JSON object, not " + kind(node)));
            return new Result(null, v);
        }
        ObjectNode record = (ObjectNode) node;
        // Normalised values wait here until the record is accepted: a refused record goes to the DLQ as it was sent.
        ObjectNode fixes = record.objectNode();
        if (record.size() > limits.maxFields()) {
            v.add(new Violation(Violation.TOO_LARGE, "$", "a record has at most " + limits.maxFields() + " fields, this one " + record.size()));
        }
        int chars = jsonChars(record);
        if (chars > limits.maxRecordChars()) {
            v.add(new Violation(Violation.TOO_LARGE, "$", "a record is at most " + limits.maxRecordChars() + " characters of JSON, this one " + chars));
        }
        checkVersion(record, v);
        if (record.hasNonNull(EVENT_ID)) {
            textMatching(record, EVENT_ID, UUID_TEXT, "a UUID like 3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f", v);
        }
        String type = oneOf(record, TYPE, TYPES, true, v);
        textMatching(record, MID, ID, "1-64 characters of letters, digits and _.:@-", v);
        checkUid(record, v, fixes);
        oneOf(record, OS, OSES, true, v);
        textMatching(record, APPID, ID, "1-64 characters of letters, digits and _.:@-", v);
        label(record, AREA, v);
        label(record, CH, v);
        textMatching(record, VS, VERSION, "a version like 1.2.0", v);
        checkTs(record, serverNowMs, v, fixes);
        if (TYPE_EVENT.equals(type)) {
            String evid = oneOf(record, EVID, EVIDS, true, v);
            boolean itemEvent = evid != null && ITEM_EVIDS.contains(evid);
            integer(record, ITEMID, itemEvent, v, fixes);
            integer(record, PGID, false, v, fixes);
            integer(record, NPGID, false, v, fixes);
            if (EVID_COUPON.equals(evid) && !record.hasNonNull(UID)) {
                v.add(new Violation(Violation.MISSING, UID, "a coupon claim names the user who claims it"));
            }
        }
        if (!v.isEmpty()) {
            return new Result(null, v);
        }
        record.setAll(fixes);
        if (!record.hasNonNull(EVENT_ID)) {
            record.put(EVENT_ID, EventIds.derived(record, serverNowMs));
        }
        record.put(SCHEMA_VERSION_FIELD, SCHEMA_VERSION);
        record.put(SERVER_TS, serverNowMs);
        if (!record.has(TS_SOURCE)) {
            record.put(TS_SOURCE, "client");
        }
        return new Result(record, List.of());
    }

    /**
     * The value of a JSON integer, as JSON Schema counts them: 1000 and 1.0e3 are both the integer 1000
     * (and are written back as 1000); 1.5, text and numbers beyond a long are not integers.
     */
    static Long integral(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? node.longValue() : null;
        }
        java.math.BigDecimal d = node.decimalValue();
        try {
            return d.stripTrailingZeros().scale() <= 0 ? d.longValueExact() : null;
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /**
     * The length of a node's compact JSON as the mapper writes it (only {@code "}, {@code \\} and control
     * characters escaped), counted without writing it: the collector checks the size of every record.
     */
    static int jsonChars(JsonNode node) {
        if (node.isObject()) {
            int chars = 2 + Math.max(0, node.size() - 1);
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                chars += stringChars(field.getKey()) + 1 + jsonChars(field.getValue());
            }
            return chars;
        }
        if (node.isArray()) {
            int chars = 2 + Math.max(0, node.size() - 1);
            for (JsonNode element : node) {
                chars += jsonChars(element);
            }
            return chars;
        }
        return node.isTextual() ? stringChars(node.textValue()) : node.asText().length();
    }

    private static int stringChars(String text) {
        int chars = text.length() + 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
                chars += 1;
            } else if (c < 0x20) {
                chars += 5;
            }
        }
        return chars;
    }

    private static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase();
    }

    private static void checkVersion(ObjectNode record, List<Violation> v) {
        JsonNode version = record.get(SCHEMA_VERSION_FIELD);
        if (version == null || version.isNull()) {
            return;
        }
        Long number = integral(version);
        if (number == null) {
            v.add(new Violation(Violation.WRONG_TYPE, SCHEMA_VERSION_FIELD, "must be an integer, not " + kind(version)));
        } else if (number != SCHEMA_VERSION) {
            v.add(new Violation(Violation.UNSUPPORTED_VERSION, SCHEMA_VERSION_FIELD, "this collector speaks schema version " + SCHEMA_VERSION + ", not " + version.asText()));
        }
    }

    /** A required string field; returns its text, or null after recording why not. */
    private static String text(ObjectNode record, String field, List<Violation> v) {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            v.add(new Violation(Violation.MISSING, field, "is required"));
            return null;
        }
        if (!value.isTextual()) {
            v.add(new Violation(Violation.WRONG_TYPE, field, "must be a string, not " + kind(value)));
            return null;
        }
        String text = value.textValue();
        String problem = textProblem(text);
        if (problem != null) {
            v.add(new Violation(Violation.BAD_TEXT, field, problem));
            return null;
        }
        return text;
    }

    /** Control characters and unpaired surrogates are never valid in a field of the contract. */
    static String textProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate at index " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate at index " + i;
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return "contains a control character (U+" + String.format("%04X", (int) c) + ") at index " + i;
            }
        }
        return null;
    }

    static boolean isId(String text) {
        if (text.isEmpty() || text.length() > MAX_LABEL_CHARS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '@' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void textMatching(ObjectNode record, String field, Predicate<String> pattern, String expected, List<Violation> v) {
        String text = text(record, field, v);
        if (text == null) {
            return;
        }
        if (text.length() > MAX_LABEL_CHARS && pattern != UUID_TEXT) {
            v.add(new Violation(Violation.TOO_LONG, field, "is at most " + MAX_LABEL_CHARS + " characters, this one " + text.length()));
        } else if (!pattern.test(text)) {
            v.add(new Violation(Violation.BAD_FORMAT, field, "must be " + expected + ", not \"" + abbreviate(text) + "\""));
        }
    }

    private static void label(ObjectNode record, String field, List<Violation> v) {
        String text = text(record, field, v);
        if (text == null) {
            return;
        }
        if (text.isBlank()) {
            v.add(new Violation(Violation.BAD_FORMAT, field, "must not be blank"));
        } else if (text.codePointCount(0, text.length()) > MAX_LABEL_CHARS) {
            v.add(new Violation(Violation.TOO_LONG, field, "is at most " + MAX_LABEL_CHARS + " characters"));
        }
    }

    private static String oneOf(ObjectNode record, String field, List<String> allowed, boolean required, List<Violation> v) {
        if (!required && !record.hasNonNull(field)) {
            return null;
        }
        String text = text(record, field, v);
        if (text == null) {
            return null;
        }
        if (!allowed.contains(text)) {
            v.add(new Violation(Violation.NOT_ALLOWED, field, "must be one of " + allowed + ", not \"" + abbreviate(text) + "\""));
            return null;
        }
        return text;
    }

    /** The user id: a string, or (as the seed's clients send it) an integer, stored as a string. */
    private static void checkUid(ObjectNode record, List<Violation> v, ObjectNode fixes) {
        JsonNode uid = record.get(UID);
        if (uid == null || uid.isNull()) {
            return;
        }
        if (uid.isNumber()) {
            Long number = integral(uid);
            if (number != null && number >= 0) {
                fixes.put(UID, Long.toString(number));
            } else {
                v.add(new Violation(number == null && !uid.isIntegralNumber() ? Violation.WRONG_TYPE : Violation.OUT_OF_RANGE, UID,
                        "as a number must be a whole number from 0, not " + uid.asText()));
            }
            return;
        }
        textMatching(record, UID, ID, "1-64 characters of letters, digits and _.:@-", v);
    }

    private static void integer(ObjectNode record, String field, boolean required, List<Violation> v, ObjectNode fixes) {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                v.add(new Violation(Violation.MISSING, field, "is required for this evid"));
            }
            return;
        }
        Long number = integral(value);
        if (number == null) {
            v.add(new Violation(value.isIntegralNumber() ? Violation.OUT_OF_RANGE : Violation.WRONG_TYPE, field,
                    value.isIntegralNumber() ? "must be in 0.." + MAX_PAGE_OR_ITEM + ", not " + value.asText() : "must be an integer, not " + kind(value)));
        } else if (number < 0 || number > MAX_PAGE_OR_ITEM) {
            v.add(new Violation(Violation.OUT_OF_RANGE, field, "must be in 0.." + MAX_PAGE_OR_ITEM + ", not " + value.asText()));
        } else {
            fixes.put(field, number);
        }
    }

    private void checkTs(ObjectNode record, long serverNowMs, List<Violation> v, ObjectNode fixes) {
        JsonNode ts = record.get(TS);
        if (ts == null || ts.isNull()) {
            v.add(new Violation(Violation.MISSING, TS, "is required: the client's epoch milliseconds"));
            return;
        }
        Long number = integral(ts);
        if (number == null) {
            v.add(new Violation(ts.isIntegralNumber() ? Violation.IN_FUTURE : Violation.WRONG_TYPE, TS,
                    ts.isIntegralNumber() ? ts.asText() + " is beyond any date" : "must be integer epoch milliseconds, not " + kind(ts)));
            return;
        }
        long millis = number;
        fixes.put(TS, millis);
        if (millis > serverNowMs + limits.maxFuture().toMillis()) {
            v.add(new Violation(Violation.IN_FUTURE, TS, millis + " is more than " + limits.maxFuture().toHours() + " h after the server's clock (" + serverNowMs + ")"));
        } else if (millis < serverNowMs - limits.maxAge().toMillis()) {
            v.add(new Violation(Violation.TOO_OLD, TS, millis + " is more than " + limits.maxAge().toDays() + " days before the server's clock (" + serverNowMs + ")"));
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** The key a record is partitioned by in Kafka: its device. */
    public static String partitionKey(JsonNode record) {
        JsonNode mid = record == null ? null : record.get(MID);
        return mid != null && mid.isTextual() ? mid.textValue() : null;
    }
}
