package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topic list and the HBase DDL kept in infra/ hold what DESIGN.md promises. */
class CatalogTest {

    private final Layout layout = new Layout(Path.of(System.getProperty("gmall.root", "../..")));

    @Test
    void everyDesignTopicExistsWithAtLeastFourPartitions() throws IOException {
        List<TopicCatalog.Topic> topics = TopicCatalog.load(layout.infra().resolve("kafka/topics.json"));
        List<String> design = List.of("gmall.log.startup", "gmall.log.event", "gmall.log.dlq",
                "gmall.cdc.order_info", "gmall.cdc.order_detail", "gmall.cdc.user_info");
        assertThat(topics).extracting(TopicCatalog.Topic::name).containsAll(design).contains(TopicCatalog.HEALTH_TOPIC);
        List<String> probes = List.of(TopicCatalog.HEALTH_TOPIC, "gmall.cdc.cdc_heartbeat");
        assertThat(topics).filteredOn(t -> !probes.contains(t.name()))
                .allSatisfy(t -> assertThat(t.partitions()).as(t.name()).isGreaterThanOrEqualTo(4));
        assertThat(topics).allSatisfy(t -> assertThat(t.config()).containsKey("retention.ms"));
    }

    @Test
    void aTopicOverridesTheDefaults() throws IOException {
        TopicCatalog.Topic health = TopicCatalog.load(layout.infra().resolve("kafka/topics.json")).stream()
                .filter(t -> t.name().equals(TopicCatalog.HEALTH_TOPIC)).findFirst().orElseThrow();
        assertThat(health.partitions()).isEqualTo(1);
        assertThat(health.config()).containsEntry("retention.ms", "3600000").containsEntry("cleanup.policy", "delete");
    }

    @Test
    void anInvalidTopicNameIsRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("topics.json");
        Files.writeString(file, "{\"topics\":[{\"name\":\"bad topic\"}]}");
        assertThatThrownBy(() -> TopicCatalog.load(file)).hasMessageContaining("bad topic");
    }

    @Test
    void hbaseSchemaHasTheDesignTables() throws IOException {
        HBaseSchema schema = HBaseSchema.load(layout.infra().resolve("hbase/tables.json"));
        assertThat(schema.namespace()).isEqualTo("gmall");
        assertThat(schema.tables()).extracting(HBaseSchema.Table::name).contains("dau", "order_info", "health");
        assertThat(schema.table("health").families().get(0).ttlSeconds()).isPositive();
    }

    @Test
    void aTableWithoutFamiliesIsRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tables.json");
        Files.writeString(file, "{\"namespace\":\"gmall\",\"tables\":[{\"name\":\"t\",\"families\":[]}]}");
        assertThatThrownBy(() -> HBaseSchema.load(file)).hasMessageContaining("no column family");
    }
}
