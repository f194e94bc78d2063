package io.gmall.ingestion.cdc;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.gmall.ingestion.contract.LogJson;
import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Canal batch in, Kafka records out. A batch counts as delivered only when Kafka acknowledged every record
 * of it; then the end of its last complete transaction is saved, and only then is the batch acknowledged
 * to Canal, so a restart never resumes past what Kafka holds. A batch that fails is rolled back and fetched
 * again after a pause, so a change is never skipped; at worst it is sent twice.
 *
 * <p>Failures are of two kinds. Retriable ones (Kafka, MariaDB or the Canal connection briefly away) are
 * retried with a backoff bounded by {@link #MAX_BACKOFF} and a log line each time. Fatal ones
 * ({@link FatalRelayError}) stop the relay, and the process exits non-zero with what to do.
 */
final class Relay implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** The longest the relay waits for Kafka to acknowledge a batch. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final IntervalFunction BACKOFF = IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2.0, MAX_BACKOFF);

    /** Makes sure a topic exists before its first record is sent ({@link Topics#ensure}); returns its name. */
    interface TopicEnsurer {
        String ensure(String topic) throws Exception;
    }

    /** What to do with a change Kafka refuses for good because it is too large. */
    enum Oversize { FAIL, DLQ }

    private final CanalConnector connector;
    private final Producer<String, byte[]> producer;
    private final TopicEnsurer topics;
    private final PositionStore positions;
    private final CdcConfig config;
    private final RelayMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<FatalRelayError> fatal = new AtomicReference<>();

    Relay(CanalConnector connector, Producer<String, byte[]> producer, TopicEnsurer topics, PositionStore positions, CdcConfig config,
          RelayMetrics metrics) {
        this.connector = connector;
        this.producer = producer;
        this.topics = topics;
        this.positions = positions;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * The producer's own time-outs, inside the relay's: a send Kafka has not acknowledged when the relay gives
     * up on its batch has already failed in the producer, so a retried batch never has an older copy in flight.
     */
    static Map<String, Object> producerTimeouts() {
        long send = SEND_TIMEOUT.toMillis();
        return Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(send / 3),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(send / 3),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(send * 2 / 3),
                ProducerConfig.LINGER_MS_CONFIG, "5");
    }

    void stop() {
        running.set(false);
    }

    /** The fatal failure that stopped the relay, if one did. */
    FatalRelayError failure() {
        return fatal.get();
    }

    @Override
    public void run() {
        int attempt = 0;
        while (running.get()) {
            try {
                connector.connect();
                connector.subscribe(config.database() + "\\..*");
                connector.rollback();
                attempt = 0;
                relayUntilStopped();
            } catch (FatalRelayError e) {
                fatal.set(e);
                LOG.error("cdc relay stopped: {}", e.getMessage(), e);
                running.set(false);
            } catch (RuntimeException e) {
                attempt++;
                Duration wait = Duration.ofMillis(BACKOFF.apply(Math.min(attempt, 10)));
                LOG.warn("cdc relay lost its connection to Canal ({}); reconnecting in {} s (attempt {})", e.toString(), wait.toSeconds(), attempt);
                metrics.retried();
                disconnectQuietly();
                sleep(wait);
            }
        }
        disconnectQuietly();
    }

    private void relayUntilStopped() {
        int failedBatches = 0;
        while (running.get()) {
            Message message = connector.getWithoutAck(config.batchSize(), 500L, TimeUnit.MILLISECONDS);
            metrics.polled();
            long batchId = message.getId();
            if (batchId == -1 || message.getEntries().isEmpty()) {
                if (batchId != -1) {
                    connector.ack(batchId);
                }
                metrics.caughtUp();
                continue;
            }
            PositionStore.Position delivered;
            try {
                delivered = deliver(message.getEntries());
            } catch (FatalRelayError e) {
                throw e;
            } catch (Exception e) {
                failedBatches++;
                Duration wait = Duration.ofMillis(BACKOFF.apply(Math.min(failedBatches, 10)));
                LOG.warn("batch {} not delivered to Kafka ({}); fetching it again in {} s (attempt {})", batchId, e.toString(),
                        wait.toSeconds(), failedBatches);
                metrics.retried();
                connector.rollback(batchId);
                sleep(wait);
                continue;
            }
            failedBatches = 0;
            if (delivered != null) {
                save(delivered);
            }
            connector.ack(batchId);
        }
    }

    private void save(PositionStore.Position delivered) {
        try {
            positions.save(delivered);
        } catch (IOException e) {
            throw new FatalRelayError("cannot save the binlog position to " + positions.path() + " (" + e
                    + "): make it writable (disk space, permissions) and start the relay again; the last batch will be relayed again", e);
        }
    }

    /** Sends every change of the batch and waits for Kafka; returns the end of its last complete transaction. */
    PositionStore.Position deliver(List<CanalEntry.Entry> entries) throws Exception {
        List<RowChanges.Change> changes = new ArrayList<>();
        List<Future<RecordMetadata>> pending = new ArrayList<>();
        PositionStore.Position lastTransactionEnd = null;
        long newestCommit = 0;
        for (CanalEntry.Entry entry : entries) {
            newestCommit = Math.max(newestCommit, entry.getHeader().getExecuteTime());
            for (RowChanges.Change change : RowChanges.of(entry)) {
                String topic = topics.ensure(config.topicPrefix() + change.topicTable());
                changes.add(change);
                pending.add(producer.send(new ProducerRecord<>(topic, change.key(), LogJson.MAPPER.writeValueAsBytes(change.envelope()))));
            }
            if (entry.getEntryType() == CanalEntry.EntryType.TRANSACTIONEND) {
                CanalEntry.Header h = entry.getHeader();
                lastTransactionEnd = new PositionStore.Position(h.getLogfileName(), h.getLogfileOffset() + h.getEventLength());
            }
        }
        awaitAll(changes, pending);
        metrics.delivered(pending.size(), newestCommit);
        return lastTransactionEnd;
    }

    /**
     * Waits for every send of the batch, also after one failed, so none is still in flight when the batch is
     * retried; then throws the first failure. A change too large for Kafka is fatal or goes to the DLQ topic.
     */
    private void awaitAll(List<RowChanges.Change> changes, List<Future<RecordMetadata>> pending) throws Exception {
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        Exception first = null;
        for (int i = 0; i < pending.size(); i++) {
            try {
                pending.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RecordTooLargeException) {
                    refuseOversize(changes.get(i), cause);
                } else if (cause instanceof AuthorizationException) {
                    throw new FatalRelayError("Kafka refuses the relay's writes (" + cause.getMessage()
                            + "): grant its principal Write and Create on gmall.cdc.*", cause);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void refuseOversize(RowChanges.Change change, Throwable cause) throws Exception {
        String what = "a change of " + change.topicTable() + " with key " + change.key() + " is too large for Kafka (" + cause.getMessage() + ")";
        if (config.oversize() == Oversize.FAIL) {
            throw new FatalRelayError(what + ": raise max.request.size and the topic's max.message.bytes, or start the relay with "
                    + "--oversize dlq to send such changes' keys to " + config.dlqTopic() + " and go on", cause);
        }
        byte[] reason = LogJson.MAPPER.writeValueAsBytes(LogJson.MAPPER.createObjectNode()
                .put("table", change.topicTable()).put("key", change.key()).put("op", change.envelope().op())
                .put("reason", "too large for Kafka: " + cause.getMessage()));
        producer.send(new ProducerRecord<>(topics.ensure(config.dlqTopic()), change.key(), reason))
                .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        metrics.skippedToDlq();
        LOG.warn("{}: its key went to {} instead", what, config.dlqTopic());
    }

    private void disconnectQuietly() {
        try {
            connector.disconnect();
        } catch (RuntimeException e) {
            LOG.debug("disconnect failed: {}", e.toString());
        }
    }

    private void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }
}
