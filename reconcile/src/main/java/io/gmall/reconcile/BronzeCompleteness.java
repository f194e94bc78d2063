package io.gmall.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.streaming.StreamingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether bronze holds everything Kafka held when asked: the bronze query's last committed batch has read up
 * to every partition's end offset. Asked after a day has ended plus the grace period, that means every record of
 * the day that reached Kafka by then is in the lake, so the recompute sees it.
 */
public final class BronzeCompleteness {

    /** Records Kafka holds that the bronze query has not committed, per topic (empty when complete). */
    public record Gap(Map<String, Long> behindByTopic) {
        public boolean complete() {
            return behindByTopic.isEmpty();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private BronzeCompleteness() {
    }

    public static Gap check(StreamingConfig config) throws IOException, InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> committed = committedOffsets(config.checkpoint("bronze"));
        Map<TopicPartition, Long> ends = endOffsets(config.kafkaBootstrap, Pattern.compile(config.bronzeTopicPattern));
        return gap(committed, ends);
    }

    static Gap gap(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {
        Map<String, Long> behind = new TreeMap<>();
        ends.forEach((tp, end) -> {
            long read = committed.getOrDefault(tp, 0L);
            if (end > read) {
                behind.merge(tp.topic(), end - read, Long::sum);
            }
        });
        return new Gap(behind);
    }

    /**
     * The Kafka offsets the bronze query's last committed batch read up to, from its checkpoint: batch N is
     * committed when {@code commits/N} exists, and {@code offsets/N} holds, after a version line and the batch's
     * metadata, the source's offsets as {@code {"topic": {"partition": offset}}}.
     */
    static Map<TopicPartition, Long> committedOffsets(Path checkpoint) throws IOException {
        OptionalLong last = lastBatch(checkpoint.resolve("commits"));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (last.isEmpty()) {
            return offsets;
        }
        List<String> lines = Files.readAllLines(checkpoint.resolve("offsets").resolve(Long.toString(last.getAsLong())));
        if (lines.size() < 3) {
            throw new IOException("unexpected offset log " + checkpoint.resolve("offsets").resolve(Long.toString(last.getAsLong())));
        }
        JsonNode topics = JSON.readTree(lines.get(2));
        topics.fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(p ->
                offsets.put(new TopicPartition(t.getKey(), Integer.parseInt(p.getKey())), p.getValue().asLong())));
        return offsets;
    }

    private static OptionalLong lastBatch(Path commits) throws IOException {
        if (!Files.isDirectory(commits)) {
            return OptionalLong.empty();
        }
        try (Stream<Path> files = Files.list(commits)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong).max();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, Pattern topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            List<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> topics.matcher(t).matches()).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
                    : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                ends.put(e.getKey(), e.getValue().offset());
            }
            return ends;
        }
    }
}
