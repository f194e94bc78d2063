package io.gmall.ingestion.cdc;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.gmall.ingestion.contract.LogJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Canal batch in, Kafka records out: a batch is acknowledged to Canal only after Kafka acknowledged every
 * record of it, and then the end of its last complete transaction is saved. A failed batch is rolled
 * back and fetched again after a pause, so a change is never skipped; at worst it is sent twice.
 */
final class Relay implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final CanalConnector connector;
    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final PositionStore positions;
    private final CdcConfig config;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final RelayMetrics metrics;

    Relay(CanalConnector connector, KafkaProducer<String, byte[]> producer, Topics topics, PositionStore positions, CdcConfig config,
          RelayMetrics metrics) {
        this.metrics = metrics;
        this.connector = connector;
        this.producer = producer;
        this.topics = topics;
        this.positions = positions;
        this.config = config;
    }

    void stop() {
        running.set(false);
    }

    @Override
    public void run() {
        connector.connect();
        connector.subscribe(config.database() + "\\..*");
        connector.rollback();
        while (running.get()) {
            Message message = connector.getWithoutAck(config.batchSize(), 500L, TimeUnit.MILLISECONDS);
            long batchId = message.getId();
            if (batchId == -1 || message.getEntries().isEmpty()) {
                if (batchId != -1) {
                    connector.ack(batchId);
                }
                metrics.caughtUp();
                continue;
            }
            try {
                PositionStore.Position delivered = deliver(message.getEntries());
                connector.ack(batchId);
                if (delivered != null) {
                    positions.save(delivered);
                }
            } catch (Exception e) {
                LOG.warn("batch {} not delivered, fetching it again: {}", batchId, e.toString());
                connector.rollback(batchId);
                pause();
            }
        }
        connector.disconnect();
    }

    /** Sends every change of the batch and waits for Kafka; returns the end of its last complete transaction. */
    PositionStore.Position deliver(List<CanalEntry.Entry> entries) throws Exception {
        List<Future<RecordMetadata>> pending = new ArrayList<>();
        PositionStore.Position lastTransactionEnd = null;
        long newestCommit = 0;
        for (CanalEntry.Entry entry : entries) {
            newestCommit = Math.max(newestCommit, entry.getHeader().getExecuteTime());
            for (RowChanges.Change change : RowChanges.of(entry)) {
                String topic = topics.ensure(config.topicPrefix() + change.topicTable());
                pending.add(producer.send(new ProducerRecord<>(topic, change.key(),
                        LogJson.MAPPER.writeValueAsBytes(change.envelope()))));
            }
            if (entry.getEntryType() == CanalEntry.EntryType.TRANSACTIONEND) {
                CanalEntry.Header h = entry.getHeader();
                lastTransactionEnd = new PositionStore.Position(h.getLogfileName(), h.getLogfileOffset() + h.getEventLength());
            }
        }
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        for (Future<RecordMetadata> f : pending) {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        metrics.delivered(pending.size(), newestCommit);
        return lastTransactionEnd;
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }
}
