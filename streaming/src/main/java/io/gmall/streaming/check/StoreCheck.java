package io.gmall.streaming.check;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.get_json_object;

import io.gmall.streaming.StreamingApp;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.dau.DauWriter;
import io.gmall.streaming.gmv.GmvWriter;
import io.gmall.streaming.alerts.CouponAbuseRule;
import io.gmall.streaming.store.EsDocumentIndex;
import io.gmall.streaming.store.HbaseRowStore;
import io.gmall.streaming.time.BusinessTime;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gmall check}: compares HBase, Elasticsearch and the bronze tables with the mock's ledgers and
 * prints one table (metric, day, hour, truth, store, difference). The stream lags a little behind the
 * mock, so it re-reads the stores until they agree or the wait is over; exits 1 on any difference beyond
 * what the watermark excuses.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Compare the stream's stores with the mock's ledgers.")
public final class StoreCheck implements Callable<Integer> {


    @Option(names = "--ledgers", defaultValue = "var/mock", description = "directory of the mock's ledgers (default ${DEFAULT-VALUE}, under the project root)")
    Path ledgers;
    @Option(names = "--wait", defaultValue = "120", converter = WaitSeconds.class, description = "seconds to wait for the stores to catch up (default ${DEFAULT-VALUE})")
    int waitSeconds;
    @Option(names = "--config", description = "a properties file overriding the streaming defaults")
    Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StoreCheck()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StreamingConfig config = StreamingConfig.load(configFile, System.getenv(), System.getProperties());
        Truth truth = Truth.ofLedgers(ledgers, config).orElse(null);
        if (truth == null) {
            return 2;
        }
        SparkSession spark = StreamingApp.session();
        try (HbaseRowStore hbase = new HbaseRowStore(config.hbaseQuorum, config.hbasePort, config.hbaseNamespace)) {
            return Comparison.await(truth, "store", waitSeconds, () -> compare(truth, config, hbase, spark), System.out) ? 0 : 1;
        } finally {
            spark.stop();
        }
    }

    static List<Comparison.Line> compare(Truth truth, StreamingConfig config, HbaseRowStore hbase, SparkSession spark) {
        Map<String, String> alerts = alerts(config, spark);
        Map<String, Observed.SaleDoc> sale = sale(config, spark);
        // One read per hourly row: two metrics share each row.
        Map<String, Map<String, String>> rows = new HashMap<>();
        Observed.Hours hours = (metric, dt) -> {
            String table = metric.startsWith("order_") ? GmvWriter.HOURLY_TABLE : DauWriter.HOURLY_TABLE;
            Map<String, String> row = rows.computeIfAbsent(table + "|" + dt, k -> hbase.get(table, "m", dt));
            Map<String, String> byHour = new HashMap<>();
            BusinessTime.HOURS.forEach(hh -> byHour.put(hh, row.getOrDefault(PREFIX.get(metric) + hh, "0")));
            return byHour;
        };
        List<Comparison.Line> lines = Comparison.lines(truth, new Observed(hours, alerts, sale), config.alertWindow);
        bronze(lines, truth, config, spark);
        return lines;
    }

    /** The hourly columns of each metric in HBase. */
    private static final Map<String, String> PREFIX = Map.of("dau", "dau_", "new_mid", "new_", "order_count", "count_", "order_amount", "amount_");

    private static Map<String, String> alerts(StreamingConfig config, SparkSession spark) {
        Map<String, String> found = new HashMap<>();
        Optional<Dataset<Row>> docs = new EsDocumentIndex(config.esUrl).documents(spark, config.alertIndex, CouponAbuseRule.ARRAY_FIELDS);
        if (docs.isPresent()) {
            for (Row r : docs.get().select("mid", "window_end", "dt").collectAsList()) {
                long end = r.get(1) instanceof java.sql.Timestamp t ? t.getTime() : ((Number) r.get(1)).longValue();
                found.put(Truth.alertKey(r.getString(0), end), r.getString(2));
            }
        }
        return found;
    }

    private static Map<String, Observed.SaleDoc> sale(StreamingConfig config, SparkSession spark) {
        Map<String, Observed.SaleDoc> docs = new HashMap<>();
        Optional<Dataset<Row>> all = new EsDocumentIndex(config.esUrl).documents(spark, config.saleIndex);
        if (all.isPresent()) {
            for (Row r : all.get().select("order_detail_id", "order_status", "user_gender", "user_age", "user_level", "sku_num", "sku_price")
                    .collectAsList()) {
                docs.put(r.getString(0), new Observed.SaleDoc(r.getString(1), r.getString(2), r.isNullAt(3) ? null : ((Number) r.get(3)).intValue(),
                        r.getString(4), ((Number) r.get(5)).intValue(), ((Number) r.get(6)).doubleValue()));
            }
        }
        return docs;
    }

    private static void bronze(List<Comparison.Line> lines, Truth truth, StreamingConfig config, SparkSession spark) {
        truth.eventIds.forEach((topic, expected) -> {
            Path table = config.bronzeTable(topic);
            Set<String> ids = new HashSet<>();
            long duplicates = 0;
            if (Files.isDirectory(table.resolve("_delta_log"))) {
                Dataset<Row> t = spark.read().format("delta").load(table.toString());
                t.select(get_json_object(col("value"), "$.event_id")).distinct().collectAsList().forEach(r -> ids.add(r.getString(0)));
                duplicates = t.groupBy("partition", "offset").agg(count("*").as("n")).filter(col("n").gt(1)).count();
            }
            long missing = expected.stream().filter(id -> !ids.contains(id)).count();
            lines.add(new Comparison.Line("bronze_missing", topic.replace("gmall.", ""), "", "0", Long.toString(missing), Long.toString(missing)));
            lines.add(new Comparison.Line("bronze_duplicates", topic.replace("gmall.", ""), "", "0", Long.toString(duplicates), Long.toString(duplicates)));
        });
    }
}
