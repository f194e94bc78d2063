package io.gmall.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Behaviour-log records (the ingestion contract) parsed from a Kafka value into columns. */
public final class LogRows {

    /** The contract's fields the queries use; unknown fields stay in bronze's raw value. */
    public static final StructType SCHEMA = new StructType()
            .add("event_id", DataTypes.StringType)
            .add("type", DataTypes.StringType)
            .add("mid", DataTypes.StringType)
            .add("uid", DataTypes.StringType)
            .add("os", DataTypes.StringType)
            .add("appid", DataTypes.StringType)
            .add("area", DataTypes.StringType)
            .add("ch", DataTypes.StringType)
            .add("vs", DataTypes.StringType)
            .add("ts", DataTypes.LongType)
            .add("server_ts", DataTypes.LongType)
            .add("evid", DataTypes.StringType)
            .add("pgid", DataTypes.IntegerType)
            .add("npgid", DataTypes.IntegerType)
            .add("itemid", DataTypes.IntegerType);

    private static final List<String> REQUIRED = List.of("event_id", "mid", "ts");

    private LogRows() {
    }

    /**
     * The records of Kafka rows, one column per field. The log servers publish only validated records, so a
     * value that does not parse, or lacks a device or a time, is dropped here rather than failing the query;
     * it is still in bronze.
     */
    public static Dataset<Row> parse(Dataset<Row> kafkaRows) {
        return parse(kafkaRows, SCHEMA.fieldNames());
    }

    /**
     * The records with only the named fields of {@link #SCHEMA} (and {@code event_id}, {@code mid}, {@code ts}, which
     * every record must have): a query that reads a few fields does not build the strings of the others.
     */
    public static Dataset<Row> parse(Dataset<Row> kafkaRows, String... fields) {
        Set<String> wanted = new HashSet<>(List.of(fields));
        wanted.addAll(REQUIRED);
        StructType schema = new StructType(Arrays.stream(SCHEMA.fields()).filter(f -> wanted.contains(f.name())).toArray(StructField[]::new));
        if (schema.size() != wanted.size()) {
            throw new IllegalArgumentException("not fields of a log record: " + wanted.stream().filter(f -> !List.of(SCHEMA.fieldNames()).contains(f)).toList());
        }
        UserDefinedFunction parser = udf(new LogValueParser(schema), schema);
        return kafkaRows
                .select(parser.apply(col("value").cast("binary")).as("r"))
                .select("r.*")
                .filter(col("mid").isNotNull().and(col("ts").isNotNull()).and(col("event_id").isNotNull()));
    }
}
