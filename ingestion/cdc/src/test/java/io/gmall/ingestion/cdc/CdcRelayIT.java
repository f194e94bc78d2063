package io.gmall.ingestion.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.Stack;
import io.gmall.testsupport.TopicTail;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The CDC relay the launcher runs, against the real MariaDB and Kafka. */
class CdcRelayIT {

    private static final Layout LAYOUT = new Layout(Path.of(System.getProperty("gmall.root")));
    private static final LocalConfig CONFIG = LocalConfig.load(LAYOUT.configFile(), System.getenv());
    private static final Endpoints ENDPOINTS = Endpoints.of(CONFIG);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static Connection db() throws Exception {
        return DriverManager.getConnection(ENDPOINTS.mariadbUrl(), ENDPOINTS.mariadbUser(), ENDPOINTS.mariadbPassword());
    }

    private static JsonNode json(ConsumerRecord<String, byte[]> r) {
        try {
            return LogJson.MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** gmall_cdc_changes_total from the relay's /metrics. */
    private static double changesRelayed() throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://" + CONFIG.bind() + ":" + CONFIG.port("cdc.metrics") + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("gmall_cdc_changes_total ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no gmall_cdc_changes_total in " + metrics));
    }

    @Test
    void anOrdersInsertUpdateAndDeleteArriveInOrderWithTypedValues() throws Exception {
        double relayedBefore = changesRelayed();
        try (TopicTail orders = new TopicTail(ENDPOINTS.kafkaBootstrap(), "gmall.cdc.order_info"); Connection c = db()) {
            long id;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO order_info (consignee, consignee_tel, total_amount, order_status, user_id, province, create_time) "
                    + "VALUES ('cdc it', '13900000000', 20.00, '1001', 42, 'beijing', '2026-11-24 16:00:00.250')", Statement.RETURN_GENERATED_KEYS)) {
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE order_info SET order_status = '1002', operate_time = '2026-11-24 16:05:00' WHERE id = " + id);
                s.executeUpdate("DELETE FROM order_info WHERE id = " + id);
            }
            String key = Long.toString(id);
            List<JsonNode> changes = orders.readUntil(seen -> seen.stream().filter(r -> key.equals(r.key())).count() >= 3, Duration.ofSeconds(60))
                    .stream().filter(r -> key.equals(r.key())).map(CdcRelayIT::json).toList();

            assertThat(changes).extracting(e -> e.get("op").asText()).containsExactly("c", "u", "d");
            JsonNode insert = changes.get(0);
            assertThat(insert.at("/pk/id").asLong()).isEqualTo(id);
            assertThat(insert.at("/after/total_amount").isNumber()).isTrue();
            assertThat(insert.at("/after/total_amount").decimalValue()).isEqualByComparingTo("20.00");
            assertThat(insert.at("/after/user_id").isIntegralNumber()).isTrue();
            assertThat(insert.at("/after/create_time").asText()).isEqualTo("2026-11-24T16:00:00.250");
            assertThat(insert.has("before")).isFalse();
            assertThat(changes.get(1).at("/before/order_status").asText()).isEqualTo("1001");
            assertThat(changes.get(1).at("/after/order_status").asText()).isEqualTo("1002");
            assertThat(changes.get(2).has("after")).isFalse();
            assertThat(changes.get(2).at("/binlog/file").asText()).startsWith("binlog.");
            assertThat(changesRelayed() - relayedBefore).as("the relay's metrics count the changes").isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aNewTableGetsItsTopicAndANewColumnAppearsInTheEnvelope() throws Exception {
        String table = "cdc_it_" + RUN;
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(20))");
            try {
                s.executeUpdate("INSERT INTO " + table + " VALUES (1, 'before')");
                waitForTopic("gmall.cdc." + table);
                try (TopicTail tail = new TopicTail(ENDPOINTS.kafkaBootstrap(), "gmall.cdc." + table)) {
                    s.executeUpdate("ALTER TABLE " + table + " ADD COLUMN note VARCHAR(10)");
                    s.executeUpdate("INSERT INTO " + table + " VALUES (2, 'after', 'new')");
                    // The first row's change may still arrive after the mark: look for the second row's.
                    List<JsonNode> second = tail.readUntil(r -> r.stream().anyMatch(x -> "2".equals(x.key())), Duration.ofSeconds(60))
                            .stream().filter(x -> "2".equals(x.key())).map(CdcRelayIT::json).toList();
                    assertThat(second).isNotEmpty();
                    assertThat(second.get(0).at("/after/note").asText()).isEqualTo("new");
                    assertThat(second.get(0).at("/after/name").asText()).isEqualTo("after");
                }
            } finally {
                s.executeUpdate("DROP TABLE " + table);
            }
        }
    }

    /**
     * The start checklist on the server's real binlog: a start from before rows of a table that were followed by an
     * ALTER of it is refused, naming the statement and where to resume; a start from after the ALTER passes; a
     * position that is not the start of an event fails the check instead of ending the relay with a stack trace.
     */
    @Test
    void aReplayAcrossAnAlterOfATableWithRowsIsRefused() throws Exception {
        String table = "cdc_ddl_" + RUN;
        try (Connection c = db(); Statement s = c.createStatement();
             Connection canal = DriverManager.getConnection(ENDPOINTS.mariadbUrl(), "canal", "canal")) {
            s.executeUpdate("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v VARCHAR(20))");
            try {
                PositionStore.Position beforeRows = binlogEnd(canal);
                s.executeUpdate("INSERT INTO " + table + " VALUES (1, 'old layout')");
                s.executeUpdate("ALTER TABLE " + table + " ADD COLUMN note VARCHAR(10) AFTER id");
                PositionStore.Position afterAlter = binlogEnd(canal);
                s.executeUpdate("INSERT INTO " + table + " VALUES (2, 'new', 'layout')");

                Preflight.Check across = schemaCheck(canal, beforeRows, c.getCatalog());
                assertThat(across.ok()).isFalse();
                assertThat(across.found()).contains("ALTER TABLE " + table).contains("rows of " + c.getCatalog() + "." + table);
                assertThat(across.problem()).contains("\"file\":\"" + afterAlter.file() + "\",\"offset\":" + afterAlter.offset());
                assertThat(schemaCheck(canal, afterAlter, c.getCatalog()).ok()).isTrue();
                Preflight.Check midEvent = schemaCheck(canal, new PositionStore.Position(beforeRows.file(), beforeRows.offset() + 1), c.getCatalog());
                assertThat(midEvent.ok()).as("a position inside an event: %s", midEvent.found()).isFalse();
            } finally {
                s.executeUpdate("DROP TABLE " + table);
            }
        }
    }

    private static Preflight.Check schemaCheck(Connection canal, PositionStore.Position start, String database) throws Exception {
        return Preflight.run(canal, Optional.of(start), database).stream().filter(x -> x.name().equals("schema history")).findFirst()
                .orElseThrow(() -> new AssertionError("no schema history check"));
    }

    /** Where the server's binlog ends now: the position of the next event. */
    private static PositionStore.Position binlogEnd(Connection canal) throws Exception {
        try (Statement s = canal.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            assertThat(rs.next()).isTrue();
            return new PositionStore.Position(rs.getString("File"), rs.getLong("Position"));
        }
    }

    /** Waits until the relay has created the topic (before the first change of a new table). */
    private static void waitForTopic(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (TopicTail tail = new TopicTail(ENDPOINTS.kafkaBootstrap(), topic)) {
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(500);
            }
        }
        throw new AssertionError(topic + " was not created");
    }

    /**
     * SIGKILL mid-stream, then a restart: every row written across it reaches Kafka (no gap), and the relay
     * resumes at its saved position, not earlier (no rewind): a row relayed well before the kill is not sent
     * again, as it would be by a relay that forgot its position and started over from the oldest binlog.
     */
    @Test
    void aRelayKilledMidStreamResumesWithNoGapAndNoRewind() throws Exception {
        String table = "cdc_restart_" + RUN;
        Context ctx = new Context(LAYOUT, CONFIG, new PrintStream(System.out, true), Context.runningAsRoot());
        Stack stack = new Stack(Launcher.components(), ctx);
        Component cdc = Launcher.components().stream().filter(c -> c.name().equals("cdc")).findFirst().orElseThrow();
        int rows = 400;
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v VARCHAR(20))");
            try {
                s.executeUpdate("INSERT INTO " + table + " VALUES (0, 'first')");
                waitForTopic("gmall.cdc." + table);
                try (TopicTail tail = new TopicTail(ENDPOINTS.kafkaBootstrap(), "gmall.cdc." + table)) {
                    s.executeUpdate("INSERT INTO " + table + " VALUES (-1, 'before kill')");
                    assertThat(ids(tail.readUntil(r -> ids(r).contains(-1L), Duration.ofSeconds(30)))).contains(-1L);
                    Thread.sleep(1000);
                    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                        try (Connection w = db(); PreparedStatement insert = w.prepareStatement("INSERT INTO " + table + " VALUES (?, 'row')")) {
                            for (int i = 1; i <= rows; i++) {
                                insert.setLong(1, i);
                                insert.executeUpdate();
                                Thread.sleep(10);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    Thread.sleep(1000);
                    ProcessHandle victim = stack.running(cdc).orElseThrow(() -> new AssertionError("the relay is not running"));
                    victim.destroyForcibly();
                    assertThat(victim.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
                    assertThat(stack.up(List.of("cdc")).ok()).isTrue();
                    writer.get();

                    List<ConsumerRecord<String, byte[]>> seen = tail.readUntil(r -> ids(r).containsAll(range(rows)), Duration.ofSeconds(90));
                    seen.addAll(tail.readUntil(r -> false, Duration.ofSeconds(3)));
                    List<Long> ids = seen.stream().map(x -> json(x).at("/pk/id").asLong()).toList();
                    assertThat(new HashSet<>(ids)).as("every row written across the kill is in Kafka").containsAll(range(rows));
                    assertThat(ids.stream().filter(id -> id == -1L).count()).as("the row relayed before the kill is not sent again").isZero();
                    System.out.printf("CdcRelayIT: %d rows across a SIGKILL, %d records, %d sent twice%n", rows, ids.size(),
                            ids.size() - new HashSet<>(ids).size());
                }
            } finally {
                s.executeUpdate("DROP TABLE " + table);
            }
        }
    }

    private static Set<Long> ids(List<ConsumerRecord<String, byte[]>> records) {
        Set<Long> ids = new HashSet<>();
        records.forEach(x -> ids.add(json(x).at("/pk/id").asLong()));
        return ids;
    }

    private static List<Long> range(int n) {
        List<Long> ids = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            ids.add(i);
        }
        return ids;
    }
}
