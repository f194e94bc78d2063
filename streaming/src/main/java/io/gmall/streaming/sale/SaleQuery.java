package io.gmall.streaming.sale;

import io.gmall.streaming.CdcRows;
import io.gmall.streaming.GmallQuery;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.store.DocumentIndex;
import io.gmall.streaming.store.StateStore;
import io.gmall.streaming.store.StoreRetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sale detail: {@code gmall.cdc.order_info} ⋈ {@code gmall.cdc.order_detail} on {@code order_id} across
 * micro-batches, enriched with the user from {@code gmall.cdc.user_info}, into Elasticsearch
 * {@code gmall_sale_detail} with id = order detail id. One query over the three topics, so one checkpoint
 * orders their effects.
 */
public final class SaleQuery implements GmallQuery {

    private static final Logger LOG = LoggerFactory.getLogger(SaleQuery.class);
    static final String BOOTSTRAPPED = "gmall:sale:users_bootstrapped";

    private final StreamingConfig config;
    private final SaleJoiner joiner;
    private final StateStore state;
    private final DocumentIndex index;
    private final StoreRetry retry;
    private final Supplier<List<Map<String, Object>>> currentUsers;

    public SaleQuery(StreamingConfig config, SaleJoiner joiner, StateStore state, DocumentIndex index, StoreRetry retry,
                     Supplier<List<Map<String, Object>>> currentUsers) {
        this.config = config;
        this.joiner = joiner;
        this.state = state;
        this.index = index;
        this.retry = retry;
        this.currentUsers = currentUsers;
    }

    @Override
    public String name() {
        return "sale";
    }

    /** Orders and details that found no partner within the join TTL since start (left to the nightly backfill). */
    public long expiredUnjoined() {
        return joiner.expiredUnjoined();
    }

    @Override
    public List<String> topics() {
        return List.of(config.orderTopic, config.detailTopic, config.userTopic);
    }

    /** Loads the user dimension from MariaDB once per Redis; versions are idempotent, so a second load would change nothing. */
    void bootstrapUsers() {
        if (!retry.call("Redis", "checking the user bootstrap", () -> state.exists(BOOTSTRAPPED))) {
            List<Map<String, Object>> users = currentUsers.get();
            joiner.applyUsers(users.stream().map(u -> new SaleJoiner.Change(String.valueOf(u.get("id")), null, u)).toList());
            retry.run("Redis", "marking the user bootstrap", () -> state.setText(Map.of(BOOTSTRAPPED, Integer.toString(users.size()))));
            LOG.info("user dimension bootstrapped with {} users", users.size());
        }
    }

    private static List<SaleJoiner.Change> changes(List<Row> envelopes) {
        List<SaleJoiner.Change> out = new ArrayList<>();
        for (Row r : envelopes) {
            Map<String, Object> before = CdcRows.values(r.getAs("before"));
            Map<String, Object> after = CdcRows.values(r.getAs("after"));
            Map<String, Object> any = after != null ? after : before;
            if (any != null && any.get("id") != null) {
                out.add(new SaleJoiner.Change(String.valueOf(any.get("id")), before, after));
            }
        }
        return out;
    }

    public void applyBatch(Dataset<Row> batch) {
        Map<String, List<Row>> changes = CdcRows.collectInBinlogOrder(batch, Map.of(
                config.userTopic, CdcRows.USER_INFO, config.orderTopic, CdcRows.ORDER_INFO, config.detailTopic, CdcRows.ORDER_DETAIL));
        joiner.applyUsers(changes(changes.get(config.userTopic)));
        SaleJoiner.Result result = joiner.apply(changes(changes.get(config.orderTopic)), changes(changes.get(config.detailTopic)));
        if (!result.joined().isEmpty()) {
            List<Row> rows = result.joined().stream().map(SaleRow::toRow).toList();
            Dataset<Row> docs = SparkSession.active().createDataFrame(rows, SaleRow.SCHEMA);
            retry.run("Elasticsearch", "indexing sale details", () -> index.index(config.saleIndex, docs, SaleRow.ID));
        }
        retry.run("Elasticsearch", "deleting sale details", () -> index.delete(config.saleIndex, result.deletedDetailIds()));
        if (result.expiredUnjoined() > 0) {
            LOG.warn("{} orders or details found no partner within {}: left to the nightly backfill", result.expiredUnjoined(), config.joinTtl);
        }
    }

    @Override
    public StreamingQuery start(Dataset<Row> source) throws TimeoutException {
        bootstrapUsers();
        return GmallQuery.startForEachBatch(config, name(), source, "append", (batch, batchId) -> applyBatch(batch));
    }
}
