package io.gmall.ingestion.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gmall bench cdc}: changes per second from MariaDB through the running relay into Kafka, beside
 * the rate MariaDB itself took the writes at. Uses a scratch table, dropped afterwards.
 */
@Command(name = "cdc", mixinStandardHelpOptions = true, description = "CDC benchmark: MariaDB -> Canal -> relay -> Kafka.")
final class CdcBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--rows", defaultValue = "50000", description = "rows to insert (default ${DEFAULT-VALUE})")
    int rows;
    @Option(names = "--jdbc-url", defaultValue = "${env:GMALL_MARIADB_URL:-jdbc:mariadb://127.0.0.1:13306/gmall}")
    String jdbcUrl;
    @Option(names = "--user", defaultValue = "${env:GMALL_MARIADB_USER:-gmall}")
    String user;
    @Option(names = "--password", defaultValue = "${env:GMALL_MARIADB_PASSWORD:-gmall}")
    String password;
    @Option(names = "--bootstrap", defaultValue = "${env:GMALL_KAFKA_BOOTSTRAP:-127.0.0.1:19092}")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        IngestionBench.requirePositive(spec, Map.of("--rows", rows));
        String table = "cdc_bench_" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "gmall.cdc." + table;
        System.out.printf("cdc benchmark: %,d rows into gmall.%s%n", rows, table);
        try (Connection c = DriverManager.getConnection(jdbcUrl + "?rewriteBatchedStatements=true", user, password);
             Statement s = c.createStatement();
             Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            s.executeUpdate("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v VARCHAR(32), amount DECIMAL(10,2))");
            try {
                s.executeUpdate("INSERT INTO " + table + " VALUES (0, 'warm-up', 0)");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!admin.listTopics().names().get().contains(topic)) {
                    if (System.nanoTime() > deadline) {
                        System.out.println("the relay did not create " + topic + " within 60 s: is ./gmall up cdc running?");
                        return 1;
                    }
                    Thread.sleep(200);
                }
                try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    long t0 = System.nanoTime();
                    c.setAutoCommit(false);
                    StringBuilder insert = new StringBuilder();
                    for (int i = 1; i <= rows; i++) {
                        insert.append(insert.length() == 0 ? "INSERT INTO " + table + " VALUES " : ",").append('(').append(i).append(",'row ").append(i).append("',").append(i % 1000).append(".25)");
                        if (i % 500 == 0 || i == rows) {
                            s.executeUpdate(insert.toString());
                            c.commit();
                            insert.setLength(0);
                        }
                    }
                    double written = (System.nanoTime() - t0) / 1e9;
                    long seen = 0;
                    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                    while (seen < rows + 1 && System.nanoTime() < end) {
                        seen += consumer.poll(Duration.ofMillis(200)).count();
                    }
                    double delivered = (System.nanoTime() - t0) / 1e9;
                    c.setAutoCommit(true);
                    System.out.printf("MariaDB took the writes at:        %,10.0f rows/s (%,d rows in %.1f s)%n", rows / written, rows, written);
                    System.out.printf("end to end (MariaDB -> Kafka):     %,10.0f changes/s (%,d of %,d in %.1f s; the last arrived %.1f s after the last write)%n",
                            (seen - 1) / delivered, seen - 1, rows, delivered, delivered - written);
                    return seen >= rows + 1 ? 0 : 1;
                }
            } finally {
                s.executeUpdate("DROP TABLE IF EXISTS " + table);
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
