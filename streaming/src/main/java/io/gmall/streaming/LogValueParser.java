package io.gmall.streaming;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A behaviour log's JSON value, as bytes, to a row of {@link LogRows#SCHEMA}: what {@code from_json} gives, read with
 * Jackson's byte parser in one pass. Spark's {@code from_json} decodes each value through a new
 * {@code InputStreamReader} (an 8 KB buffer a record) and looks every field up through its generic converters: half
 * of the alerts query's CPU in a profile of its catch-up.
 *
 * <p>As {@code from_json} in Spark 3.5 does: unknown fields are skipped, the last of repeated fields wins, a string
 * field takes the text of any value (an object's or array's as JSON), a number field of the wrong type (a string, an
 * object, a fraction, an out-of-range number) is null while the rest of the row stands, and a value that is not one
 * JSON object gives no row (what follows the object is not read).
 */
final class LogValueParser implements UDF1<byte[], Row> {

    private static final JsonFactory JSON = new JsonFactory();

    private final Map<String, Integer> index = new HashMap<>();
    private final DataType[] types;

    LogValueParser(StructType schema) {
        types = new DataType[schema.size()];
        for (int i = 0; i < schema.size(); i++) {
            index.put(schema.fields()[i].name(), i);
            types[i] = schema.fields()[i].dataType();
        }
    }

    private static Object read(JsonParser parser, JsonToken token, DataType type) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (type.equals(DataTypes.StringType)) {
            if (token.isScalarValue()) {
                return parser.getText();
            }
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            try (JsonGenerator generator = JSON.createGenerator(json, JsonEncoding.UTF8)) {
                generator.copyCurrentStructure(parser);
            }
            return json.toString(StandardCharsets.UTF_8);
        }
        parser.skipChildren();
        if (token != JsonToken.VALUE_NUMBER_INT) {
            return null;
        }
        try {
            return type.equals(DataTypes.LongType) ? (Object) parser.getLongValue() : (Object) parser.getIntValue();
        } catch (InputCoercionException outOfRange) {
            return null;
        }
    }

    @Override
    public Row call(byte[] value) {
        if (value == null) {
            return null;
        }
        Object[] fields = new Object[types.length];
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                Integer i = index.get(parser.currentName());
                JsonToken field = parser.nextToken();
                if (i == null) {
                    parser.skipChildren();
                } else {
                    fields[i] = read(parser, field, types[i]);
                }
            }
            return token == JsonToken.END_OBJECT ? RowFactory.create(fields) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
