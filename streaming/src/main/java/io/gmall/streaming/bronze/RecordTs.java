package io.gmall.streaming.bronze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The top-level {@code ts} of a record's JSON value, as a long: an integer, or a string holding one. Anything else
 * (no {@code ts}, another type, a value that is not a JSON object) gives null, so bronze falls back to the Kafka
 * timestamp.
 *
 * <p>It reads the value's bytes with Jackson's byte parser and stops at the field. Spark's {@code get_json_object}
 * decodes each value to characters through a new {@code InputStreamReader} and writes the field out again as text
 * to be cast: an eighth of bronze's CPU in a profile of its catch-up.
 */
final class RecordTs implements UDF1<byte[], Long> {

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public Long call(byte[] value) {
        if (value == null) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean isTs = parser.currentName().equals("ts");
                JsonToken token = parser.nextToken();
                if (isTs) {
                    return switch (token) {
                        case VALUE_NUMBER_INT -> parser.getLongValue();
                        case VALUE_STRING -> Long.valueOf(parser.getText().trim());
                        default -> null;
                    };
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
