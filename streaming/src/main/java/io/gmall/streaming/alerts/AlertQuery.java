package io.gmall.streaming.alerts;

import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.LogRows;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.DocumentIndex;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Coupon-abuse alerts from {@code gmall.log.event} into Elasticsearch. Windows are emitted once the watermark
 * passes their end (append mode): only then is "clicked no item" decided.
 */
public final class AlertQuery implements GmallQuery {

    private final StreamingConfig config;
    private final DocumentIndex index;
    private final StoreRetry retry;
    private final CouponAbuseRule rule;
    private final BusinessTime time;

    public AlertQuery(StreamingConfig config, DocumentIndex index, StoreRetry retry) {
        this.config = config;
        this.index = index;
        this.retry = retry;
        this.time = new BusinessTime(config.businessZone);
        this.rule = new CouponAbuseRule(config.alertWindow, config.alertSlide, config.alertMinUsers, time);
    }

    @Override
    public boolean hasWatermark() {
        return true;
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public List<String> topics() {
        return List.of(config.eventTopic);
    }

    public Dataset<Row> alerts(Dataset<Row> kafkaRows) {
        Dataset<Row> events = time.withBuckets(LogRows.parse(kafkaRows, CouponAbuseRule.FIELDS), "ts")
                .withWatermark(BusinessTime.EVENT_TIME, config.watermark.toSeconds() + " seconds");
        return rule.alerts(events);
    }

    @Override
    public StreamingQuery start(Dataset<Row> source) throws TimeoutException {
        return GmallQuery.startForEachBatch(config, name(), alerts(source), "append", (batch, batchId) -> {
            Dataset<Row> alerts = batch.persist();
            try {
                if (!alerts.isEmpty()) {
                    retry.run("Elasticsearch", "indexing alerts", () -> index.index(config.alertIndex, alerts, "alert_id"));
                }
            } finally {
                alerts.unpersist();
            }
        });
    }
}
