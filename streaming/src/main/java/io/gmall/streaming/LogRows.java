package io.gmall.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
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

    private static final UserDefinedFunction PARSE = udf(new LogValueParser(SCHEMA), SCHEMA);

    private LogRows() {
    }

    /**
     * The records of Kafka rows, one column per field. The log servers publish only validated records, so a
     * value that does not parse, or lacks a device or a time, is dropped here rather than failing the query;
     * it is still in bronze.
     */
    public static Dataset<Row> parse(Dataset<Row> kafkaRows) {
        return kafkaRows
                .select(PARSE.apply(col("value").cast("binary")).as("r"))
                .select("r.*")
                .filter(col("mid").isNotNull().and(col("ts").isNotNull()).and(col("event_id").isNotNull()));
    }
}
