package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogFields;
import io.gmall.ingestion.contract.LogJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
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
 * {@code ./gmall mock check}: reads a run's records from Kafka (by their {@code mock_run} field; in the
 * DLQ, inside the kept payload) and checks that nothing its ledger says the collector acknowledged is
 * missing. Delivery is at-least-once, so records are compared by distinct key: the {@code event_id} in
 * the log topics; in the DLQ, whose refused records need not carry a usable event_id, the payload text,
 * compared by the number of distinct payloads. A key present more than once is a duplicate (a resend
 * after a lost answer, or one the mock injected): a figure, removed downstream, not a disagreement.
 * Reads from the run's start time on, without a consumer group; exits 1 only when something is missing.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Check that Kafka holds everything a run's ledger says the collector acknowledged.")
final class LedgerCheck implements Callable<Integer> {

    private static final int MISSING_SHOWN = 5;

    @Option(names = "--ledger", defaultValue = "var/mock/ledger-latest.json", description = "the ledger (default ${DEFAULT-VALUE}, under the project root)")
    Path ledger;
    @Option(names = "--bootstrap", defaultValue = "${env:GMALL_KAFKA_BOOTSTRAP:-127.0.0.1:19092}")
    String bootstrap;

    /**
     * One topic compared.
     *
     * @param ledgerDistinct the distinct keys the collector acknowledged into it
     * @param kafkaDistinct  the distinct keys of the run found in it (records in flight when a run was
     *                       stopped may be there without being in the ledger)
     * @param missing        acknowledged keys not found
     * @param duplicates     records found beyond the first of their key
     * @param missingIds     the missing event_ids, sorted (none for a topic compared by count)
     */
    record TopicCheck(String topic, long ledgerDistinct, long kafkaDistinct, long missing, long duplicates, List<String> missingIds) {

        /** Compares the acknowledged event_ids with the number of times each key was found. */
        static TopicCheck byIds(String topic, Set<String> expected, Map<String, Integer> found) {
            List<String> missing = expected.stream().filter(id -> !found.containsKey(id)).sorted().toList();
            return new TopicCheck(topic, expected.size(), found.size(), missing.size(), duplicates(found), missing);
        }

        /** Compares the number of distinct keys acknowledged with the keys found, when the keys themselves are not in the ledger. */
        static TopicCheck byCount(String topic, long expected, Map<String, Integer> found) {
            return new TopicCheck(topic, expected, found.size(), Math.max(0, expected - found.size()), duplicates(found), List.of());
        }

        private static long duplicates(Map<String, Integer> found) {
            return found.values().stream().mapToLong(n -> n - 1L).sum();
        }
    }

    record Comparison(List<TopicCheck> topics) {
        boolean nothingMissing() {
            return topics.stream().allMatch(t -> t.missing() == 0);
        }
    }

    /** The run a Kafka record belongs to, and its key: the event_id, or for a DLQ record the refused payload's text. */
    record Keyed(String run, String key) {
    }

    @Override
    public Integer call() throws IOException {
        Path root = Path.of(System.getProperty("gmall.root", "."));
        JsonNode l = LogJson.MAPPER.readTree(root.resolve(ledger).toFile());
        Comparison c;
        try {
            c = compare(l, bootstrap, Duration.ofSeconds(20));
        } catch (IllegalArgumentException e) {
            System.err.println("gmall mock check: " + e.getMessage());
            return 2;
        }
        print(c, l.at("/run/id").asText(), l.at("/run/state").asText("unknown"), System.out);
        return c.nothingMissing() ? 0 : 1;
    }

    static void print(Comparison c, String runId, String state, PrintStream out) {
        out.printf("run %s (%s)%n%-20s %15s %15s %10s %10s%n", runId, state, "topic", "ledger distinct", "kafka distinct", "missing", "duplicates");
        for (TopicCheck t : c.topics()) {
            out.printf("%-20s %15d %15d %10d %10d%n", t.topic(), t.ledgerDistinct(), t.kafkaDistinct(), t.missing(), t.duplicates());
        }
        for (TopicCheck t : c.topics()) {
            if (!t.missingIds().isEmpty()) {
                out.printf("missing from %s: %s%s%n", t.topic(), String.join(", ", t.missingIds().subList(0, Math.min(MISSING_SHOWN, t.missingIds().size()))),
                        t.missingIds().size() > MISSING_SHOWN ? " and " + (t.missingIds().size() - MISSING_SHOWN) + " more" : "");
            }
        }
        out.println(Ledger.DLQ_TOPIC + " is compared by the number of distinct refused payloads");
        long missing = c.topics().stream().mapToLong(TopicCheck::missing).sum();
        out.println(missing == 0 ? "nothing the collector acknowledged is missing from Kafka"
                : missing + " records the collector acknowledged are MISSING from Kafka");
    }

    /** Reads for up to {@code patience} until every acknowledged key is found (records may still be in flight). */
    static Comparison compare(JsonNode ledger, String bootstrap, Duration patience) {
        String runId = ledger.at("/run/id").asText();
        long from = Instant.parse(ledger.at("/run/started_at").asText()).minusSeconds(60).toEpochMilli();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<Map.Entry<String, JsonNode>> topics = new ArrayList<>();
        ledger.get("kafka").fields().forEachRemaining(topics::add);
        List<TopicCheck> checks = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            for (Map.Entry<String, JsonNode> e : topics) {
                String topic = e.getKey();
                JsonNode expected = e.getValue();
                if (!expected.isObject()) {
                    throw new IllegalArgumentException("the ledger of run " + runId + " was written by an older mock, with record counts "
                            + "instead of distinct event_ids; run the mock again");
                }
                if (expected.has("event_ids")) {
                    Set<String> ids = new HashSet<>();
                    expected.get("event_ids").forEach(id -> ids.add(id.asText()));
                    checks.add(TopicCheck.byIds(topic, ids, read(consumer, topic, runId, from, found -> found.keySet().containsAll(ids), patience)));
                } else {
                    long distinct = expected.get("distinct").asLong();
                    checks.add(TopicCheck.byCount(topic, distinct, read(consumer, topic, runId, from, found -> found.size() >= distinct, patience)));
                }
            }
        }
        return new Comparison(checks);
    }

    /** How many times each key of the run is in the topic; reads until {@code complete} holds and the topic is quiet for a second. */
    private static Map<String, Integer> read(KafkaConsumer<String, byte[]> consumer, String topic, String runId, long from,
                                             Predicate<Map<String, Integer>> complete, Duration patience) {
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
        Map<String, Integer> found = new HashMap<>();
        long deadline = System.nanoTime() + patience.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && (!complete.test(found) || System.nanoTime() - quietSince < 1_000_000_000L)) {
            boolean any = false;
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                any = true;
                Keyed keyed = keyOf(r.value());
                if (keyed != null && runId.equals(keyed.run()) && keyed.key() != null) {
                    found.merge(keyed.key(), 1, Integer::sum);
                }
            }
            if (any) {
                quietSince = System.nanoTime();
            }
        }
        return found;
    }

    /** The run and key of a record; a DLQ record carries the refused record's text in {@code payload}. Null when unreadable. */
    static Keyed keyOf(byte[] value) {
        try {
            JsonNode node = LogJson.MAPPER.readTree(value);
            if (node != null && node.has("payload") && node.get("payload").isTextual()) {
                String payload = node.get("payload").textValue();
                return new Keyed(runOf(LogJson.MAPPER.readTree(payload)), payload);
            }
            return node == null ? null : new Keyed(runOf(node), node.path(LogFields.EVENT_ID).asText(null));
        } catch (IOException e) {
            return null;
        }
    }

    private static String runOf(JsonNode record) {
        JsonNode run = record == null ? null : record.get(Simulation.RUN_FIELD);
        return run == null ? null : run.asText();
    }
}
