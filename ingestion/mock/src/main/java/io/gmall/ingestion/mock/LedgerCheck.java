package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gmall mock check}: counts a run's records in Kafka (by their {@code mock_run} field; in the
 * DLQ, inside the kept payload) and compares them with what its ledger says the collector accepted and
 * refused. Reads from the run's start time on, without a consumer group.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Compare a run's ledger with what is in Kafka.")
final class LedgerCheck implements Callable<Integer> {

    @Option(names = "--ledger", defaultValue = "var/mock/ledger-latest.json", description = "the ledger (default ${DEFAULT-VALUE}, under the project root)")
    Path ledger;
    @Option(names = "--bootstrap", defaultValue = "${env:GMALL_KAFKA_BOOTSTRAP:-127.0.0.1:19092}")
    String bootstrap;

    record Comparison(Map<String, Long> expected, Map<String, Long> found) {
        boolean agrees() {
            return expected.equals(found);
        }
    }

    @Override
    public Integer call() throws IOException {
        Path root = Path.of(System.getProperty("gmall.root", "."));
        JsonNode l = LogJson.MAPPER.readTree(root.resolve(ledger).toFile());
        Comparison c = compare(l, bootstrap, Duration.ofSeconds(20));
        print(c, l.at("/run/id").asText(), System.out);
        return c.agrees() ? 0 : 1;
    }

    static void print(Comparison c, String runId, PrintStream out) {
        out.printf("run %s%n%-20s %10s %10s%n", runId, "topic", "ledger", "kafka");
        c.expected().forEach((topic, n) -> out.printf("%-20s %10d %10d%s%n", topic, n, c.found().get(topic), n.equals(c.found().get(topic)) ? "" : "  MISMATCH"));
        out.println(c.agrees() ? "the ledger and Kafka agree" : "the ledger and Kafka DISAGREE");
    }

    /** Waits up to {@code patience} for the counts to reach the ledger's (records may still be in flight). */
    static Comparison compare(JsonNode ledger, String bootstrap, Duration patience) {
        String runId = ledger.at("/run/id").asText();
        long from = Instant.parse(ledger.at("/run/started_at").asText()).minusSeconds(60).toEpochMilli();
        Map<String, Long> expected = new LinkedHashMap<>();
        ledger.get("kafka").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asLong()));
        Map<String, Long> found = new LinkedHashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            for (String topic : expected.keySet()) {
                found.put(topic, count(consumer, topic, runId, from, expected.get(topic), patience));
            }
        }
        return new Comparison(expected, found);
    }

    private static long count(KafkaConsumer<String, byte[]> consumer, String topic, String runId, long from, long expected, Duration patience) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, from));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp start = starts.get(tp);
            consumer.seek(tp, start == null ? ends.get(tp) : start.offset());
        }
        long n = 0;
        long deadline = System.nanoTime() + patience.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && (n < expected || System.nanoTime() - quietSince < 1_000_000_000L)) {
            boolean any = false;
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                any = true;
                if (runId.equals(runOf(r.value()))) {
                    n++;
                }
            }
            if (any) {
                quietSince = System.nanoTime();
            }
        }
        return n;
    }

    /** The run of a record; a DLQ record carries the refused record's text in {@code payload}. */
    static String runOf(byte[] value) {
        try {
            JsonNode node = LogJson.MAPPER.readTree(value);
            if (node.has("payload") && node.get("payload").isTextual()) {
                node = LogJson.MAPPER.readTree(node.get("payload").textValue());
            }
            JsonNode run = node == null ? null : node.get(Simulation.RUN_FIELD);
            return run == null ? null : run.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
