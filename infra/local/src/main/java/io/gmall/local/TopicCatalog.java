package io.gmall.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Kafka topics of {@code infra/kafka/topics.json}, with defaults applied. */
public final class TopicCatalog {

    /** The topic the launcher's health round trip uses. */
    public static final String HEALTH_TOPIC = "gmall.health";

    public record Topic(String name, int partitions, Map<String, String> config) {
    }

    private TopicCatalog() {
    }

    public static List<Topic> load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode defaults = root.path("defaults");
        List<Topic> topics = new ArrayList<>();
        for (JsonNode t : root.path("topics")) {
            String name = t.path("name").asText("");
            if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new IOException(file + ": invalid topic name '" + name + "'");
            }
            int partitions = t.path("partitions").asInt(defaults.path("partitions").asInt(1));
            if (partitions < 1) {
                throw new IOException(file + ": " + name + " needs at least one partition");
            }
            Map<String, String> config = new LinkedHashMap<>();
            defaults.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            t.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            topics.add(new Topic(name, partitions, Map.copyOf(config)));
        }
        return List.copyOf(topics);
    }
}
