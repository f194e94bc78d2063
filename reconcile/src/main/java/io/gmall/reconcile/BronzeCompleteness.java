package io.gmall.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.streaming.StreamingConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether bronze holds every record that reached Kafka before a cut (a day's end plus the grace period): the bronze
 * query's last committed batch has read past, in every partition, the first record stamped at or after the cut, or,
 * where no such record is there yet, the partition's end when asked. That is a fixed point: records sent after the cut
 * never move it, so waiting for it ends while traffic flows. (Kafka's end offsets would move for as long as anything is
 * sent, and a wait for them would end only when traffic stops.) Records carry their producer's send time (the log
 * servers and the relay set none of their own), so the first record at or after the cut ends what arrived before it.
 */
public final class BronzeCompleteness {

    /** Records before the cut that the bronze query has not committed, per topic (empty when complete). */
    public record Gap(Map<String, Long> behindByTopic) {
        public boolean complete() {
            return behindByTopic.isEmpty();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private BronzeCompleteness() {
    }

    public static Gap check(StreamingConfig config, Instant cut) throws IOException, InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> committed = committedOffsets(new Path(config.checkpoint("bronze").toUri()), new Configuration());
        Map<TopicPartition, Long> targets = offsetsAt(config.kafkaBootstrap, Pattern.compile(config.bronzeTopicPattern), cut);
        return gap(committed, targets);
    }

    static Gap gap(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> targets) {
        Map<String, Long> behind = new TreeMap<>();
        targets.forEach((tp, target) -> {
            long read = committed.getOrDefault(tp, 0L);
            if (target > read) {
                behind.merge(tp.topic(), target - read, Long::sum);
            }
        });
        return new Gap(behind);
    }

    /**
     * The Kafka offsets the bronze query's last committed batch read up to, from its checkpoint on whatever file system
     * holds it: batch N is committed when {@code commits/N} exists, and {@code offsets/N} holds, after a version line and
     * the batch's metadata, the source's offsets as {@code {"topic": {"partition": offset}}}.
     */
    static Map<TopicPartition, Long> committedOffsets(Path checkpoint, Configuration hadoop) throws IOException {
        FileSystem fs = checkpoint.getFileSystem(hadoop);
        OptionalLong last = lastBatch(fs, new Path(checkpoint, "commits"));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (last.isEmpty()) {
            return offsets;
        }
        Path log = new Path(new Path(checkpoint, "offsets"), Long.toString(last.getAsLong()));
        List<String> lines;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(log), StandardCharsets.UTF_8))) {
            lines = in.lines().toList();
        }
        if (lines.size() < 3) {
            throw new IOException("unexpected offset log " + log);
        }
        JsonNode topics = JSON.readTree(lines.get(2));
        topics.fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(p ->
                offsets.put(new TopicPartition(t.getKey(), Integer.parseInt(p.getKey())), p.getValue().asLong())));
        return offsets;
    }

    private static OptionalLong lastBatch(FileSystem fs, Path commits) throws IOException {
        if (!fs.exists(commits)) {
            return OptionalLong.empty();
        }
        return Arrays.stream(fs.listStatus(commits)).map(f -> f.getPath().getName())
                .filter(n -> !n.isEmpty() && n.chars().allMatch(Character::isDigit)).mapToLong(Long::parseLong).max();
    }

    /** Per partition of the matching topics, the offset of the first record stamped at or after {@code cut}, else its end now. */
    static Map<TopicPartition, Long> offsetsAt(String bootstrap, Pattern topics, Instant cut)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            List<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> topics.matcher(t).matches()).toList();
            Map<TopicPartition, OffsetSpec> atCut = new HashMap<>();
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> atCut.put(new TopicPartition(name, p.partition()), OffsetSpec.forTimestamp(cut.toEpochMilli()))));
            Map<TopicPartition, Long> targets = offsets(admin, atCut);
            Map<TopicPartition, OffsetSpec> noneYet = new HashMap<>();
            targets.forEach((tp, offset) -> {
                if (offset < 0) {
                    noneYet.put(tp, OffsetSpec.latest());
                }
            });
            targets.putAll(offsets(admin, noneYet));
            return targets;
        }
    }

    private static Map<TopicPartition, Long> offsets(AdminClient admin, Map<TopicPartition, OffsetSpec> specs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (specs.isEmpty()) {
            return offsets;
        }
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).entrySet()) {
            offsets.put(e.getKey(), e.getValue().offset());
        }
        return offsets;
    }
}
