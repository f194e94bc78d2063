package io.gmall.ingestion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short mock run through nginx, the log servers, Kafka and MariaDB, checked against its own ledger. */
class MockIT {

    @TempDir
    Path ledgers;

    @Test
    void theLedgerAgreesWithKafkaTheDlqAndMariadb() throws Exception {
        int exit = new CommandLine(new MockMain()).execute("--count", "3000", "--rate", "1000", "--speed", "30", "--clock", "now",
                "--abuse-devices", "2", "--late", "0.05", "--duplicates", "0.05", "--invalid", "0.03", "--buy-percent", "60",
                "--no-progress", "--ledger-dir", ledgers.toString());
        assertThat(exit).isZero();
        JsonNode ledger = LogJson.MAPPER.readTree(ledgers.resolve("ledger-latest.json").toFile());
        JsonNode counts = ledger.get("counts");

        assertThat(counts.path("failed").asLong()).isZero();
        assertThat(counts.path("resends").asLong()).as("no request was sent twice, so Kafka holds each acknowledged record once").isZero();
        assertThat(counts.get("sent_duplicate").asLong()).isPositive();

        // Against Kafka: what the collector said it accepted and refused is what its topics hold, copy for copy.
        LedgerCheck.Comparison kafka = LedgerCheck.compare(ledger, System.getenv().getOrDefault("GMALL_KAFKA_BOOTSTRAP", "127.0.0.1:19092"), Duration.ofSeconds(60));
        assertThat(kafka.topics()).extracting(LedgerCheck.TopicCheck::topic).containsExactlyInAnyOrder("gmall.log.startup", "gmall.log.event", "gmall.log.dlq");
        assertThat(kafka.topics()).allSatisfy(t -> {
            assertThat(t.missing()).as("acknowledged records missing from %s", t.topic()).isZero();
            assertThat(t.kafkaDistinct()).as("distinct records of the run in %s", t.topic()).isEqualTo(t.ledgerDistinct());
        });
        long accepted = kafka.topics().stream().filter(t -> !t.topic().equals("gmall.log.dlq")).mapToLong(t -> t.kafkaDistinct() + t.duplicates()).sum();
        long refused = kafka.topics().stream().filter(t -> t.topic().equals("gmall.log.dlq")).mapToLong(t -> t.kafkaDistinct() + t.duplicates()).sum();
        assertThat(accepted).as("records of the run in the startup and event topics, the injected duplicates included")
                .isEqualTo(counts.get("accepted").asLong());
        assertThat(kafka.topics().stream().filter(t -> !t.topic().equals("gmall.log.dlq")).mapToLong(LedgerCheck.TopicCheck::duplicates).sum())
                .as("the injected duplicates reached Kafka as copies of their first send").isEqualTo(counts.get("sent_duplicate").asLong());
        assertThat(refused).as("records of the run in the DLQ: exactly the injected invalid ones").isEqualTo(counts.get("sent_invalid").asLong());
        assertThat(ledger.at("/run/state").asText()).isEqualTo("finished");

        assertThat(ledger.get("orders")).isNotEmpty();
        try (Connection c = DriverManager.getConnection(System.getenv().getOrDefault("GMALL_MARIADB_URL", "jdbc:mariadb://127.0.0.1:13306/gmall"),
                System.getenv().getOrDefault("GMALL_MARIADB_USER", "gmall"), System.getenv().getOrDefault("GMALL_MARIADB_PASSWORD", "gmall"));
             PreparedStatement order = c.prepareStatement("SELECT total_amount, user_id, order_status, (SELECT COUNT(*) FROM order_detail d WHERE d.order_id = o.id), "
                             + "(SELECT u.create_time <= o.create_time AND COALESCE(u.operate_time >= u.create_time, TRUE) FROM user_info u WHERE u.id = o.user_id) "
                             + "FROM order_info o WHERE id = ?")) {
            BigDecimal ledgerTotal = BigDecimal.ZERO;
            BigDecimal dbTotal = BigDecimal.ZERO;
            for (JsonNode o : ledger.get("orders")) {
                order.setLong(1, o.get("order_id").asLong());
                try (ResultSet rs = order.executeQuery()) {
                    assertThat(rs.next()).as("order %s is in MariaDB", o.get("order_id")).isTrue();
                    dbTotal = dbTotal.add(rs.getBigDecimal(1));
                    ledgerTotal = ledgerTotal.add(o.get("total_amount").decimalValue());
                    assertThat(rs.getLong(2)).isEqualTo(o.get("user_id").asLong());
                    assertThat(rs.getString(3)).isEqualTo(o.get("order_status").asText());
                    assertThat(rs.getInt(4)).isEqualTo(o.get("details").size());
                    assertThat(rs.getBoolean(5)).as("user of order %s created before the order and before its profile updates, "
                            + "so a user's version taken by time is the right one", o.get("order_id")).isTrue();
                }
            }
            assertThat(dbTotal).isEqualByComparingTo(ledgerTotal);
            BigDecimal byDay = BigDecimal.ZERO;
            for (JsonNode day : ledger.get("days")) {
                byDay = byDay.add(day.get("order_amount").decimalValue());
            }
            assertThat(byDay).as("the day totals add up to the orders").isEqualByComparingTo(ledgerTotal);
        }
    }
}
