package io.gmall.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.local.Endpoints;
import io.gmall.local.HBaseSchema;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.TopicCatalog;
import io.gmall.local.component.HBase;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** A real round trip on every server of the stack that ./gmall test brought up. */
class StackRoundTripIT {

    private static final Layout LAYOUT = new Layout(Path.of(System.getProperty("gmall.root")));
    private static final LocalConfig CONFIG = LocalConfig.load(LAYOUT.configFile(), System.getenv());
    private static final Endpoints ENDPOINTS = Endpoints.of(CONFIG);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void mariadbStoresAndReturnsRowsAndWritesRowBinlog() throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(ENDPOINTS.mariadbUrl(), ENDPOINTS.mariadbUser(), ENDPOINTS.mariadbPassword())) {
            String login = "it-" + RUN;
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO user_info (login_name, user_level, gender, birthday, create_time) VALUES (?, '2', 'F', '1990-05-01', NOW(3))")) {
                insert.setString(1, login);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement select = c.prepareStatement("SELECT user_level, gender, birthday FROM user_info WHERE login_name = ?")) {
                select.setString(1, login);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("user_level")).isEqualTo("2");
                    assertThat(rs.getString("gender")).isEqualTo("F");
                    assertThat(rs.getDate("birthday").toString()).isEqualTo("1990-05-01");
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("ROW");
                assertThat(rs.getString(3)).isEqualTo("FULL");
                assertThat(rs.getInt(4)).isPositive();
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM user_info WHERE login_name = ?")) {
                delete.setString(1, login);
                delete.executeUpdate();
            }
        }
    }

    @Test
    void mariadbHasTheDesignTablesAndTheCanalGrants() throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(ENDPOINTS.mariadbUrl(), "canal", "canal");
             Statement s = c.createStatement()) {
            List<String> grants = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW GRANTS")) {
                while (rs.next()) {
                    grants.add(rs.getString(1));
                }
            }
            // MariaDB 10.5+ shows REPLICATION CLIENT under its new name, BINLOG MONITOR.
            assertThat(String.join(" ", grants)).contains("SELECT", "REPLICATION SLAVE", "BINLOG MONITOR", "SLAVE MONITOR");
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'gmall'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("user_info", "sku_info", "order_info", "order_detail");
            // The canal user reads binlog positions (SHOW MASTER STATUS needs BINLOG MONITOR on MariaDB).
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("binlog.");
            }
        }
    }

    @Test
    void mariadbKeepsDecimalsExact() throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(ENDPOINTS.mariadbUrl(), ENDPOINTS.mariadbUser(), ENDPOINTS.mariadbPassword());
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO sku_info (sku_name, price, category, create_time) VALUES (?, ?, 'it', NOW(3))", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, "it sku " + RUN);
            insert.setBigDecimal(2, new BigDecimal("19.99"));
            insert.executeUpdate();
            long id;
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT price FROM sku_info WHERE id = " + id)) {
                rs.next();
                assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("19.99");
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM sku_info WHERE id = " + id);
            }
        }
    }

    @Test
    void redisSetMembership() {
        try (JedisPooled redis = new JedisPooled(URI.create(ENDPOINTS.redisUrl()))) {
            String key = "gmall:it:dau:" + RUN;
            assertThat(redis.sadd(key, "mid_1", "mid_2")).isEqualTo(2);
            assertThat(redis.sadd(key, "mid_1")).isZero();
            assertThat(redis.sismember(key, "mid_2")).isTrue();
            assertThat(redis.sismember(key, "mid_3")).isFalse();
            redis.del(key);
        }
    }

    @Test
    void kafkaProducesAndConsumesOnEveryTopic() throws Exception {
        List<TopicCatalog.Topic> topics = TopicCatalog.load(LAYOUT.infra().resolve("kafka/topics.json"));
        Properties admin = new Properties();
        admin.put("bootstrap.servers", ENDPOINTS.kafkaBootstrap());
        try (Admin a = Admin.create(admin)) {
            var described = a.describeTopics(topics.stream().map(TopicCatalog.Topic::name).toList()).allTopicNames().get(30, TimeUnit.SECONDS);
            for (TopicCatalog.Topic t : topics) {
                assertThat(described.get(t.name()).partitions()).as(t.name()).hasSizeGreaterThanOrEqualTo(t.partitions());
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ENDPOINTS.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ENDPOINTS.kafkaBootstrap());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            for (TopicCatalog.Topic t : topics) {
                String value = "it-" + RUN + "-" + t.name();
                RecordMetadata sent = producer.send(new ProducerRecord<>(t.name(), "mid_" + RUN, value)).get(30, TimeUnit.SECONDS);
                TopicPartition tp = new TopicPartition(t.name(), sent.partition());
                consumer.assign(List.of(tp));
                consumer.seek(tp, sent.offset());
                ConsumerRecord<String, String> back = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (back == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.offset() == sent.offset()) {
                            back = r;
                        }
                    }
                }
                assertThat(back).as("record read back from " + t.name()).isNotNull();
                assertThat(back.value()).isEqualTo(value);
                assertThat(back.key()).isEqualTo("mid_" + RUN);
            }
        }
    }

    @Test
    void hbasePutsAndGetsOnEveryTable() throws Exception {
        HBaseSchema schema = HBaseSchema.load(LAYOUT.infra().resolve("hbase/tables.json"));
        try (Connection connection = ConnectionFactory.createConnection(
                HBase.clientConfiguration(ENDPOINTS.hbaseZookeeperQuorum(), ENDPOINTS.hbaseZookeeperPort(), 30000))) {
            for (HBaseSchema.Table t : schema.tables()) {
                byte[] family = t.families().get(0).name().getBytes(StandardCharsets.UTF_8);
                byte[] row = ("it|" + RUN).getBytes(StandardCharsets.UTF_8);
                byte[] qualifier = "q".getBytes(StandardCharsets.UTF_8);
                byte[] value = t.name().getBytes(StandardCharsets.UTF_8);
                try (Table table = connection.getTable(TableName.valueOf(t.qualifiedName(schema.namespace())))) {
                    table.put(new Put(row).addColumn(family, qualifier, value));
                    assertThat(table.get(new Get(row)).getValue(family, qualifier)).as(t.name()).isEqualTo(value);
                    table.delete(new Delete(row));
                    assertThat(table.get(new Get(row)).isEmpty()).isTrue();
                }
            }
        }
    }

    @Test
    void elasticsearchIndexesAndSearchesWithTheProjectTemplates() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String index = "gmall_sale_detail_it_" + RUN;
        try {
            for (int i = 1; i <= 3; i++) {
                String doc = json.writeValueAsString(Map.of("order_detail_id", "d" + i, "order_id", "o" + i,
                        "sku_name", i == 2 ? "Xiaomi phone red" : "Xiaomi phone black", "sku_num", i, "dt", "2026-11-24"));
                assertThat(send(http, "PUT", "/" + index + "/_doc/d" + i, doc).statusCode()).isIn(200, 201);
            }
            send(http, "POST", "/" + index + "/_refresh", null);
            JsonNode mapping = json.readTree(send(http, "GET", "/" + index + "/_mapping", null).body());
            assertThat(mapping.at("/" + index + "/mappings/properties/sku_name/type").asText()).isEqualTo("text");
            assertThat(mapping.at("/" + index + "/mappings/dynamic").asText()).isEqualTo("strict");

            String query = "{\"query\":{\"match\":{\"sku_name\":{\"query\":\"phone red\",\"operator\":\"and\"}}}}";
            JsonNode hits = json.readTree(send(http, "POST", "/" + index + "/_search", query).body()).path("hits");
            assertThat(hits.path("total").path("value").asInt()).isEqualTo(1);
            assertThat(hits.path("hits").get(0).path("_id").asText()).isEqualTo("d2");

            HttpResponse<String> rejected = send(http, "PUT", "/" + index + "/_doc/x", "{\"not_in_mapping\":1}");
            assertThat(rejected.statusCode()).as("strict mapping rejects unknown fields").isEqualTo(400);
        } finally {
            send(http, "DELETE", "/" + index, null);
        }
    }

    @Test
    void elasticsearchAnswersTheRootDocument() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> root = send(http, "GET", "/", null);
        assertThat(root.statusCode()).isEqualTo(200);
        JsonNode doc = new ObjectMapper().readTree(root.body());
        assertThat(doc.path("version").path("number").asText()).isEqualTo("8.19.21");
        assertThat(doc.path("cluster_name").asText()).isEqualTo("gmall-local");
        assertThat(doc.path("cluster_uuid").asText()).isNotBlank().isNotEqualTo("_na_");
        HttpResponse<String> head = send(http, "HEAD", "/", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    private static HttpResponse<String> send(HttpClient http, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ENDPOINTS.elasticsearchUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
