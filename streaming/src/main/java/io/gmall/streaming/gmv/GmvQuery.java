package io.gmall.streaming.gmv;

import io.gmall.streaming.CdcRows;
import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.StreamingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;

/** GMV from {@code gmall.cdc.order_info}: orders in HBase and the order count and amount per business hour. */
public final class GmvQuery implements GmallQuery {

    private final StreamingConfig config;
    private final GmvWriter writer;

    public GmvQuery(StreamingConfig config, GmvWriter writer) {
        this.config = config;
        this.writer = writer;
    }

    @Override
    public String name() {
        return "gmv";
    }

    @Override
    public List<String> topics() {
        return List.of(config.orderTopic);
    }

    /** The batch's order changes in binlog order per order (Kafka partition, then offset). */
    public List<OrderChange> changes(Dataset<Row> kafkaRows) {
        List<OrderChange> out = new ArrayList<>();
        for (Row r : CdcRows.collectInBinlogOrder(kafkaRows, Map.of(config.orderTopic, CdcRows.ORDER_INFO)).get(config.orderTopic)) {
            OrderChange c = new OrderChange(r.getAs("op"), CdcRows.values(r.getAs("before")), CdcRows.values(r.getAs("after")));
            if ((c.after() != null ? c.after() : c.before()) != null) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public StreamingQuery start(Dataset<Row> source) throws TimeoutException {
        return GmallQuery.startForEachBatch(config, name(), source, "append", (batch, batchId) -> writer.apply(changes(batch)));
    }
}
