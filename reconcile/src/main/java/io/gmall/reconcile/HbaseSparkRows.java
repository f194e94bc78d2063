package io.gmall.reconcile;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.HbaseRowStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.hbase.spark.HBaseContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads HBase through hbase-spark, the HBase project's Spark data source: a table's cells become string columns of a
 * data frame and a filter on the row key becomes a get, so a day's row costs one round trip, on a cluster as locally.
 */
public final class HbaseSparkRows implements RowReader {

    private static final String FORMAT = "org.apache.hadoop.hbase.spark";
    private static final String ROW_KEY = "row_key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkSession spark;
    private final StreamingConfig config;
    private boolean connected;

    public HbaseSparkRows(SparkSession spark, StreamingConfig config) {
        this.spark = spark;
        this.config = config;
    }

    @Override
    public Map<String, String> row(String table, String family, List<String> qualifiers, String rowKey) {
        if (!connected) {
            // The data source connects through the latest HBaseContext of the application: this one, to the configured
            // cluster. Made at the first read, so the steps that read no HBase table pay nothing for it.
            new HBaseContext(spark.sparkContext(), HbaseRowStore.configuration(config.hbaseQuorum, config.hbasePort), null);
            connected = true;
        }
        List<Row> found = spark.read().format(FORMAT)
                .option("catalog", catalog(table, family, qualifiers))
                // Its pushdown of cell filters fails on Spark 3.5 (STACK.md); the row-key range is pushed down regardless.
                .option("hbase.spark.pushdown.columnfilter", "false")
                .load()
                .filter(col(ROW_KEY).equalTo(rowKey))
                .collectAsList();
        Map<String, String> cells = new TreeMap<>();
        for (Row r : found) {
            for (String q : qualifiers) {
                String v = r.getAs(q);
                if (v != null) {
                    cells.put(q, v);
                }
            }
        }
        return cells;
    }

    /** hbase-spark's table catalog: the row key and each cell of {@code family} as a string column of its qualifier's name. */
    private String catalog(String table, String family, List<String> qualifiers) {
        ObjectNode catalog = JSON.createObjectNode();
        catalog.putObject("table").put("namespace", config.hbaseNamespace).put("name", table);
        catalog.put("rowkey", "key");
        ObjectNode columns = catalog.putObject("columns");
        columns.putObject(ROW_KEY).put("cf", "rowkey").put("col", "key").put("type", "string");
        qualifiers.forEach(q -> columns.putObject(q).put("cf", family).put("col", q).put("type", "string"));
        return catalog.toString();
    }
}
