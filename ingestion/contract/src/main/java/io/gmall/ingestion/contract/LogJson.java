package io.gmall.ingestion.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.CharArrayReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Reading request bodies of behaviour logs: strict JSON (no duplicate keys, no trailing garbage) with
 * bounds on nesting, string and number length, so a hostile body costs little and fails with a reason.
 */
public final class LogJson {

    public static final int MAX_DEPTH = 16;
    public static final int MAX_STRING_CHARS = 64 * 1024;
    public static final int MAX_NUMBER_CHARS = 32;

    /** The mapper every gmall module uses for log records. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** A body is either records (one object, or an array of anything) or unreadable as a whole. */
    public sealed interface Body permits Records, Unreadable {
    }

    /** @param elements each element as sent; {@code array} tells whether the body was a JSON array */
    public record Records(List<JsonNode> elements, boolean array) implements Body {
    }

    public record Unreadable(Violation violation) implements Body {
    }

    private LogJson() {
    }

    public static Body parse(byte[] body) {
        if (body == null || body.length == 0) {
            return new Unreadable(new Violation(Violation.MALFORMED_JSON, "$", "the body is empty"));
        }
        CharBuffer text;
        try {
            text = decodeUtf8(body);
        } catch (CharacterCodingException e) {
            String detail = e instanceof MalformedInputException m ? "a malformed sequence of " + m.getInputLength() + " byte(s)" : "unmappable input";
            return new Unreadable(new Violation(Violation.MALFORMED_JSON, "$", "the body is not valid UTF-8: " + detail));
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(new CharArrayReader(text.array(), text.arrayOffset() + text.position(), text.remaining()));
        } catch (StreamConstraintsException e) {
            String message = e.getOriginalMessage();
            String code = message != null && message.contains("nesting depth") ? Violation.TOO_DEEP : Violation.TOO_LARGE;
            return new Unreadable(new Violation(code, "$", oneLine(message)));
        } catch (JsonProcessingException e) {
            return new Unreadable(new Violation(Violation.MALFORMED_JSON, "$", describe(e)));
        } catch (IOException e) {
            return new Unreadable(new Violation(Violation.MALFORMED_JSON, "$", oneLine(e.getMessage())));
        }
        if (root == null || root.isMissingNode()) {
            return new Unreadable(new Violation(Violation.MALFORMED_JSON, "$", "the body holds no JSON value"));
        }
        if (root.isArray()) {
            List<JsonNode> elements = new ArrayList<>(root.size());
            root.forEach(elements::add);
            return new Records(elements, true);
        }
        if (root.isObject()) {
            return new Records(List.of(root), false);
        }
        return new Unreadable(new Violation(Violation.NOT_OBJECT, "$", "the body must be a JSON object or an array of objects, not " + root.getNodeType().name().toLowerCase()));
    }

    /**
     * Strict UTF-8: Jackson alone accepts overlong sequences (0xC0 0xAF reads as '/'), which would let
     * differently-encoded duplicates of one text through; the JDK decoder refuses them.
     */
    private static CharBuffer decodeUtf8(byte[] body) throws CharacterCodingException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return decoder.decode(ByteBuffer.wrap(body));
    }

    private static String describe(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return oneLine(e.getOriginalMessage()) + where;
    }

    static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String line = message.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** A request body as the collector takes it with {@code Content-Encoding: gzip}. */
    public static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
