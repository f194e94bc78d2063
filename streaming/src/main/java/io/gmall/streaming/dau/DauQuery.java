package io.gmall.streaming.dau;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.LogRows;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.time.BusinessTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;

/** Daily active devices from {@code gmall.log.startup}: each device's first visit per business day, and hourly counts. */
public final class DauQuery implements GmallQuery {

    /** A first visit's fields besides the device, in the order that picks the earliest (ties broken by event id). */
    private static final String[] FIRST_VISIT_FIELDS = {"ts", "event_id", "uid", "os", "area", "ch", "vs", "appid"};

    private final StreamingConfig config;
    private final DauWriter writer;
    private final BusinessTime time;

    public DauQuery(StreamingConfig config, DauWriter writer) {
        this.config = config;
        this.writer = writer;
        this.time = new BusinessTime(config.businessZone);
    }

    @Override
    public String name() {
        return "dau";
    }

    @Override
    public List<String> topics() {
        return List.of(config.startupTopic);
    }

    /** Per business day and device, the earliest startup of the batch (ties broken by event id, so a replay picks the same). */
    public Dataset<Row> firstVisits(Dataset<Row> kafkaRows) {
        return firstVisitsOf(LogRows.parse(kafkaRows, FIRST_VISIT_FIELDS).withColumn("dt", time.dayOf(col("ts"))));
    }

    /** Per {@code dt} and device, the earliest of the startups (parsed records with their business day {@code dt}). */
    public static Dataset<Row> firstVisitsOf(Dataset<Row> startups) {
        return startups.groupBy("dt", "mid")
                .agg(min(struct(Arrays.stream(FIRST_VISIT_FIELDS).map(functions::col).toArray(Column[]::new))).as("v"))
                .select("dt", "mid", "v.*");
    }

    public static List<FirstVisit> collect(Dataset<Row> firstVisits) {
        List<FirstVisit> out = new ArrayList<>();
        for (Row r : firstVisits.collectAsList()) {
            out.add(new FirstVisit(r.getAs("dt"), r.getAs("mid"), r.<Long>getAs("ts"), r.getAs("event_id"), r.getAs("uid"),
                    r.getAs("os"), r.getAs("area"), r.getAs("ch"), r.getAs("vs"), r.getAs("appid")));
        }
        return out;
    }

    @Override
    public StreamingQuery start(Dataset<Row> source) throws TimeoutException {
        return GmallQuery.startForEachBatch(config, name(), source, "append",
                (batch, batchId) -> writer.apply(collect(firstVisits(batch))));
    }
}
