package io.gmall.ingestion.logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The Kafka sink: an idempotent producer with {@code acks=all}. Waiting is bounded everywhere: for
 * metadata ({@code max.block.ms}), for delivery ({@code delivery.timeout.ms}) and for the request
 * ({@code sendTimeout}); the producer's buffer is bounded ({@code buffer.memory}), so an outage gives
 * 503s, never an unbounded queue.
 */
@Component
public class KafkaEventSink implements EventSink, DisposableBean {

    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;

    public KafkaEventSink(LoggerProperties props) {
        producer = new KafkaProducer<>(producerConfig(props), new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> adminConfig = new HashMap<>(props.producer());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "gmall-logger-health");
        adminConfig.keySet().retainAll(AdminClientConfig.configNames());
        admin = Admin.create(adminConfig);
    }

    /**
     * The producer's settings: the extra ones of {@code gmall.logger.producer.*} as given, and time-outs
     * derived from the request's send time-out, with Kafka's own rule delivery &ge; linger + request kept
     * whatever linger an override sets.
     */
    static Map<String, Object> producerConfig(LoggerProperties props) {
        Map<String, Object> config = new HashMap<>(props.producer());
        long sendMs = props.sendTimeout().toMillis();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "gmall-logger");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(sendMs));
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(sendMs, Integer.MAX_VALUE)));
        long linger = Long.parseLong(String.valueOf(config.get(ProducerConfig.LINGER_MS_CONFIG)).trim());
        long request = Long.parseLong(String.valueOf(config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).trim());
        // A record is given up soon after its request was answered, and never before Kafka's minimum.
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(linger + request, Integer.MAX_VALUE)));
        return config;
    }

    @Override
    public void sendAll(List<Outgoing> records, Duration timeout) throws SinkUnavailableException, SinkRefusedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<RecordMetadata>> pending = new ArrayList<>(records.size());
        try {
            for (Outgoing r : records) {
                pending.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value())));
            }
            for (Future<RecordMetadata> f : pending) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throwClassified(e.getCause());
        } catch (TimeoutException e) {
            throw new SinkUnavailableException("Kafka did not acknowledge within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while waiting for Kafka", e);
        } catch (KafkaException e) {
            // send() itself throws when metadata cannot be had within max.block.ms or the buffer is full.
            throwClassified(e);
        }
    }

    /** Whether resending can help: Kafka away or slow can pass; a refusal of this record or of this server cannot. */
    static void throwClassified(Throwable cause) throws SinkUnavailableException, SinkRefusedException {
        if (cause instanceof RecordTooLargeException) {
            throw new SinkRefusedException("a record is too large for Kafka: " + cause.getMessage(), true, cause);
        }
        if (cause instanceof AuthorizationException || cause instanceof InvalidTopicException) {
            throw new SinkRefusedException("Kafka refuses this server's writes (" + cause.getMessage()
                    + "); the operator must fix the topics or grants", false, cause);
        }
        throw new SinkUnavailableException("Kafka is unavailable: " + cause.getMessage(), cause);
    }

    @Override
    public boolean available(Duration timeout) {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(10));
        admin.close(Duration.ofSeconds(5));
    }
}
