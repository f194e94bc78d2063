package io.gmall.streaming.check;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.get_json_object;

import io.gmall.streaming.StreamingApp;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.dau.DauWriter;
import io.gmall.streaming.gmv.GmvWriter;
import io.gmall.streaming.store.HbaseRowStore;
import io.gmall.streaming.time.BusinessTime;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    /** One line of the report. */
    public record Line(String metric, String day, String hour, String truth, String store, String difference) {
        boolean differs() {
            return !difference.equals("0");
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Option(names = "--ledgers", defaultValue = "var/mock", description = "directory of the mock's ledgers (default ${DEFAULT-VALUE}, under the project root)")
    Path ledgers;
    @Option(names = "--wait", defaultValue = "120", description = "seconds to wait for the stores to catch up (default ${DEFAULT-VALUE})")
    int waitSeconds;
    @Option(names = "--config", description = "a properties file overriding the streaming defaults")
    Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StoreCheck()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StreamingConfig config = StreamingConfig.load(configFile, System.getenv(), System.getProperties());
        Path dir = Path.of(System.getProperty("gmall.root", ".")).resolve(ledgers);
        if (!Files.isDirectory(dir)) {
            System.err.println("no ledgers in " + dir + ": run ./gmall mock first");
            return 2;
        }
        BusinessTime time = new BusinessTime(config.businessZone);
        Truth truth = Truth.of(dir, time, config.watermark, config.alertWindow);
        if (truth.ledgers.isEmpty()) {
            System.err.println("no ledgers in " + dir + ": run ./gmall mock first");
            return 2;
        }
        SparkSession spark = StreamingApp.session();
        try (HbaseRowStore hbase = new HbaseRowStore(config.hbaseQuorum, config.hbasePort, config.hbaseNamespace)) {
            long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
            List<Line> lines = compare(truth, config, hbase, spark);
            while (lines.stream().anyMatch(Line::differs) && System.nanoTime() < deadline) {
                Thread.sleep(5000);
                lines = compare(truth, config, hbase, spark);
            }
            print(truth, lines, System.out);
            return lines.stream().anyMatch(Line::differs) ? 1 : 0;
        } finally {
            spark.stop();
        }
    }

    static void print(Truth truth, List<Line> lines, PrintStream out) {
        out.printf("judged against %d ledger(s)%n", truth.ledgers.size());
        out.printf("%-20s %-10s %-4s %14s %14s %12s%n", "metric", "day", "hour", "truth", "store", "difference");
        for (Line l : lines) {
            out.printf("%-20s %-10s %-4s %14s %14s %12s%n", l.metric(), l.day(), l.hour(), l.truth(), l.store(), l.difference());
        }
        long differing = lines.stream().filter(Line::differs).count();
        out.println(differing == 0 ? "every store agrees with the ledgers" : differing + " line(s) DIFFER from the ledgers");
    }

    static List<Line> compare(Truth truth, StreamingConfig config, HbaseRowStore hbase, SparkSession spark) {
        List<Line> lines = new ArrayList<>();
        for (String dt : truth.dau.keySet()) {
            Map<String, String> row = hbase.get(DauWriter.HOURLY_TABLE, "m", dt);
            hourly(lines, "dau", dt, truth.dau.get(dt), row, "dau_");
            hourly(lines, "new_mid", dt, truth.newMid.get(dt), row, "new_");
        }
        for (String dt : truth.orderCount.keySet()) {
            Map<String, String> row = hbase.get(GmvWriter.HOURLY_TABLE, "m", dt);
            hourly(lines, "order_count", dt, truth.orderCount.get(dt), row, "count_");
            BigDecimal[] amounts = truth.orderAmount.get(dt);
            BigDecimal total = BigDecimal.ZERO;
            BigDecimal stored = BigDecimal.ZERO;
            List<Line> hours = new ArrayList<>();
            for (int h = 0; h < 24; h++) {
                String hh = hh(h);
                BigDecimal s = new BigDecimal(row.getOrDefault("amount_" + hh, "0"));
                total = total.add(amounts[h]);
                stored = stored.add(s);
                if (s.compareTo(amounts[h]) != 0) {
                    hours.add(new Line("order_amount", dt, hh, amounts[h].toPlainString(), s.toPlainString(), s.subtract(amounts[h]).toPlainString()));
                }
            }
            lines.add(new Line("order_amount", dt, "", total.toPlainString(), stored.toPlainString(),
                    stored.compareTo(total) == 0 ? "0" : stored.subtract(total).toPlainString()));
            lines.addAll(hours);
        }
        alerts(lines, truth, config, spark);
        sale(lines, truth, config, spark);
        bronze(lines, truth, config, spark);
        return lines;
    }

    private static void hourly(List<Line> lines, String metric, String dt, long[] truth, Map<String, String> row, String prefix) {
        long total = 0;
        long stored = 0;
        List<Line> hours = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            long s = Long.parseLong(row.getOrDefault(prefix + hh(h), "0"));
            total += truth[h];
            stored += s;
            if (s != truth[h]) {
                hours.add(new Line(metric, dt, hh(h), Long.toString(truth[h]), Long.toString(s), Long.toString(s - truth[h])));
            }
        }
        lines.add(new Line(metric, dt, "", Long.toString(total), Long.toString(stored), Long.toString(stored - total)));
        lines.addAll(hours);
    }

    /** An index's documents; null when the index does not exist yet (nothing was ever written to it). */
    private static Dataset<Row> es(SparkSession spark, URI url, String index) {
        try {
            int status = HTTP.send(HttpRequest.newBuilder(url.resolve("/" + index)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 404) {
                return null;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Elasticsearch at " + url + " does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return spark.read().format("es")
                .option("es.nodes", url.getHost())
                .option("es.port", Integer.toString(url.getPort()))
                .option("es.nodes.wan.only", "true")
                .option("es.index.read.missing.as.empty", "true")
                .option("es.read.field.as.array.include", "uids,item_ids,events")
                .load(index);
    }

    private static void alerts(List<Line> lines, Truth truth, StreamingConfig config, SparkSession spark) {
        Map<String, String> found = new HashMap<>();
        Dataset<Row> docs = es(spark, config.esUrl, config.alertIndex);
        if (docs != null) {
            for (Row r : docs.select("mid", "window_end", "dt").collectAsList()) {
                long end = r.get(1) instanceof java.sql.Timestamp t ? t.getTime() : ((Number) r.get(1)).longValue();
                found.put(Truth.alertKey(r.getString(0), end), r.getString(2));
            }
        }
        Map<String, long[]> byDay = new java.util.TreeMap<>();
        Map<String, Long> excused = new java.util.TreeMap<>();
        truth.alerts.forEach((key, a) -> {
            if (a.excused()) {
                excused.merge(a.dt(), 1L, Long::sum);
            } else {
                long[] c = byDay.computeIfAbsent(a.dt(), d -> new long[2]);
                c[0]++;
                if (found.containsKey(key)) {
                    c[1]++;
                }
            }
        });
        found.forEach((key, dt) -> {
            String[] parts = key.split("\\|");
            long end = Long.parseLong(parts[parts.length - 1]);
            String mid = key.substring(0, key.length() - parts[parts.length - 1].length() - 1);
            if (!truth.alerts.containsKey(key) && !truth.excused(mid, end, config.alertWindow) && truth.dau.containsKey(dt)) {
                byDay.computeIfAbsent(dt, d -> new long[2])[1]++;
            }
        });
        byDay.forEach((dt, c) -> lines.add(new Line("alerts", dt, "", Long.toString(c[0]), Long.toString(c[1]), Long.toString(c[1] - c[0]))));
        // Windows holding events that came later than the watermark: the stream may or may not alert; shown, not judged.
        excused.forEach((dt, n) -> lines.add(new Line("alerts_excused", dt, "", Long.toString(n), "-", "0")));
    }

    private static void sale(List<Line> lines, Truth truth, StreamingConfig config, SparkSession spark) {
        Map<String, Row> docs = new HashMap<>();
        Dataset<Row> all = es(spark, config.esUrl, config.saleIndex);
        if (all != null) {
            for (Row r : all.select("order_detail_id", "order_status", "user_gender", "user_age", "user_level", "sku_num", "sku_price")
                    .collectAsList()) {
                docs.put(r.getString(0), r);
            }
        }
        Map<String, long[]> byDay = new java.util.TreeMap<>();
        for (Truth.SaleDetail d : truth.sale.values()) {
            long[] c = byDay.computeIfAbsent(d.dt(), k -> new long[3]);
            c[0]++;
            Row r = docs.get(d.id());
            if (r != null) {
                c[1]++;
                boolean same = java.util.Objects.equals(d.orderStatus(), r.getString(1)) && java.util.Objects.equals(d.userGender(), r.getString(2))
                        && java.util.Objects.equals(d.userAge(), r.isNullAt(3) ? null : ((Number) r.get(3)).intValue())
                        && java.util.Objects.equals(d.userLevel(), r.getString(4)) && d.skuNum() == ((Number) r.get(5)).intValue()
                        && d.skuPrice().doubleValue() == ((Number) r.get(6)).doubleValue();
                if (!same) {
                    c[2]++;
                }
            }
        }
        byDay.forEach((dt, c) -> {
            lines.add(new Line("sale_detail", dt, "", Long.toString(c[0]), Long.toString(c[1]), Long.toString(c[1] - c[0])));
            lines.add(new Line("sale_detail_fields", dt, "", "0", Long.toString(c[2]), Long.toString(c[2])));
        });
    }

    private static void bronze(List<Line> lines, Truth truth, StreamingConfig config, SparkSession spark) {
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
            lines.add(new Line("bronze_missing", topic.replace("gmall.", ""), "", "0", Long.toString(missing), Long.toString(missing)));
            lines.add(new Line("bronze_duplicates", topic.replace("gmall.", ""), "", "0", Long.toString(duplicates), Long.toString(duplicates)));
        });
    }

    private static String hh(int h) {
        return BusinessTime.HOURS.get(h);
    }
}
