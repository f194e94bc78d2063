package io.gmall.ingestion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogJsonTest {

    static Stream<Arguments> unreadableBodies() {
        List<Arguments> cases = new ArrayList<>();
        for (String broken : List.of("{", "}", "[", "{\"type\":", "{\"type\":\"startup\"", "{'type':'startup'}", "{type:\"startup\"}",
                "[{\"a\":1},]", "{\"a\":1,}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":.5}", "{\"a\":\"\\x41\"}",
                "{\"a\":\"tab\there\"}", "{\"a\":1} {\"b\":2}", "{\"a\":1} trailing", "nul", "tru", "\"unterminated", "{\"a\":[1,2}",
                "{\"a\":1 \"b\":2}", "/* comment */ {\"a\":1}", "{\"a\":1}//x", "{\"a\":\"\\uZZZZ\"}", "\u0000", "<xml/>", "a=1&b=2",
                "log={\"type\":\"startup\"}", "{\"a\":\"b\",\"a\":\"c\"}")) {
            cases.add(Arguments.of(broken.getBytes(StandardCharsets.UTF_8), Violation.MALFORMED_JSON));
        }
        cases.add(Arguments.of(new byte[0], Violation.MALFORMED_JSON));
        cases.add(Arguments.of("   \n\t ".getBytes(StandardCharsets.UTF_8), Violation.MALFORMED_JSON));
        // Wrong encodings: Latin-1 and UTF-16 bytes, a lone continuation byte, an overlong sequence.
        cases.add(Arguments.of("{\"area\":\"s\u00e3o\"}".getBytes(StandardCharsets.ISO_8859_1), Violation.MALFORMED_JSON));
        cases.add(Arguments.of(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0x80, '"', '}'}, Violation.MALFORMED_JSON));
        cases.add(Arguments.of(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}, Violation.MALFORMED_JSON));
        cases.add(Arguments.of(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'}, Violation.MALFORMED_JSON));
        cases.add(Arguments.of("[".repeat(LogJson.MAX_DEPTH + 5).getBytes(StandardCharsets.UTF_8), Violation.TOO_DEEP));
        cases.add(Arguments.of(("{\"a\":".repeat(100) + "1" + "}".repeat(100)).getBytes(StandardCharsets.UTF_8), Violation.TOO_DEEP));
        cases.add(Arguments.of(("{\"a\":\"" + "x".repeat(LogJson.MAX_STRING_CHARS + 1) + "\"}").getBytes(StandardCharsets.UTF_8), Violation.TOO_LARGE));
        cases.add(Arguments.of(("{\"a\":" + "9".repeat(1000) + "}").getBytes(StandardCharsets.UTF_8), Violation.TOO_LARGE));
        for (String scalar : List.of("42", "\"startup\"", "true", "null", "3.14")) {
            cases.add(Arguments.of(scalar.getBytes(StandardCharsets.UTF_8), Violation.NOT_OBJECT));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("unreadableBodies")
    void anUnreadableBodyIsRefusedWithAReason(byte[] body, String code) {
        LogJson.Body parsed = LogJson.parse(body);

        assertThat(parsed).isInstanceOfSatisfying(LogJson.Unreadable.class, u -> {
            assertThat(u.violation().code()).isEqualTo(code);
            assertThat(u.violation().field()).isEqualTo("$");
            assertThat(u.violation().message()).isNotBlank().hasSizeLessThan(260);
        });
    }

    @Test
    void anArrayGivesEveryElementEvenTheWrongOnes() {
        LogJson.Body parsed = LogJson.parse("[{\"type\":\"startup\"}, 5, \"x\", null, {}]".getBytes(StandardCharsets.UTF_8));

        assertThat(parsed).isInstanceOfSatisfying(LogJson.Records.class, r -> {
            assertThat(r.array()).isTrue();
            assertThat(r.elements()).hasSize(5);
        });
    }

    @Test
    void oneObjectIsOneRecord() {
        LogJson.Body parsed = LogJson.parse("{\"type\":\"startup\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(parsed).isInstanceOfSatisfying(LogJson.Records.class, r -> {
            assertThat(r.array()).isFalse();
            assertThat(r.elements()).hasSize(1);
        });
    }

    @Test
    void utf8WithMultibyteCharactersIsRead() {
        LogJson.Body parsed = LogJson.parse("{\"area\":\"北京😀\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(((LogJson.Records) parsed).elements().get(0).get("area").asText()).isEqualTo("北京😀");
    }
}
