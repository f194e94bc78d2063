package io.gmall.bench;

import io.gmall.streaming.StreamingConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The benchmark's own corner of the shared stack, so it never touches the stream's data: topics
 * {@code bench.<run>.*}, an HBase namespace {@code bench_<run>} with gmall's tables, ES indices
 * {@code gmall_*_bench_<run>} (the index templates apply), Redis keys under {@code bench:<run>:}, a lake
 * under {@code var/tmp}. {@link #close()} removes all of it.
 */
final class BenchStack implements AutoCloseable {

    /** Counts and lengths of time below 1 are usage errors, refused before a benchmark writes anything. */
    static void requirePositive(CommandSpec spec, Map<String, ? extends Number> options) {
        options.forEach((option, value) -> {
            if (value.longValue() < 1) {
                throw new ParameterException(spec.commandLine(), option + " must be 1 or more, not " + value);
            }
        });
    }

    static final List<String> KINDS = List.of("startup", "event", "order", "detail", "user");
    private static final Map<String, String> HBASE_TABLES = Map.of("dau", "info", "dau_hourly", "m", "order_info", "info", "gmv_hourly", "m");

    final String run;
    final StreamingConfig base;
    final Path lake;
    final String redisPrefix;
    private final HttpClient http = HttpClient.newHttpClient();

    BenchStack(String run, StreamingConfig base, Path root) {
        this.run = run;
        this.base = base;
        this.lake = root.resolve("var/tmp/bench-" + run);
        this.redisPrefix = "bench:" + run + ":";
    }

    String topic(String kind) {
        return "bench." + run + "." + kind;
    }

    String namespace() {
        return "bench_" + run;
    }

    /** The streaming configuration of the benchmark's corner, with a trigger interval. */
    StreamingConfig config(String phase, int triggerSeconds) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("kafka.bootstrap", base.kafkaBootstrap);
        o.put("redis.url", base.redisUrl.toString());
        o.put("hbase.zookeeper.quorum", base.hbaseQuorum);
        o.put("hbase.zookeeper.port", Integer.toString(base.hbasePort));
        o.put("es.url", base.esUrl.toString());
        o.put("business.zone", base.businessZone.getId());
        o.put("lake.root", lake.resolve(phase).toString());
        o.put("checkpoint.root", lake.resolve(phase).resolve("_checkpoints").toString());
        o.put("trigger.seconds", Integer.toString(triggerSeconds));
        if (triggerSeconds == 0) {
            o.put("bronze.trigger.seconds", "0");
        }
        o.put("topic.startup", topic("startup"));
        o.put("topic.event", topic("event"));
        o.put("topic.order", topic("order"));
        o.put("topic.detail", topic("detail"));
        o.put("topic.user", topic("user"));
        o.put("topic.bronze.pattern", "bench\\." + run + "\\..+");
        o.put("hbase.namespace", namespace());
        o.put("es.alert.index", "gmall_coupon_alert_bench_" + run);
        o.put("es.sale.index", "gmall_sale_detail_bench_" + run);
        return StreamingConfig.of(o);
    }

    void create() throws Exception {
        try (AdminClient admin = AdminClient.create(kafkaProps())) {
            admin.createTopics(KINDS.stream().map(k -> new NewTopic(topic(k), 4, (short) 1)).toList()).all().get();
        }
        try (Connection c = hbase(); Admin admin = c.getAdmin()) {
            admin.createNamespace(NamespaceDescriptor.create(namespace()).build());
            for (Map.Entry<String, String> t : HBASE_TABLES.entrySet()) {
                admin.createTable(TableDescriptorBuilder.newBuilder(TableName.valueOf(namespace(), t.getKey()))
                        .setColumnFamily(ColumnFamilyDescriptorBuilder.of(t.getValue())).build());
            }
        }
        Files.createDirectories(lake);
    }

    Properties kafkaProps() {
        Properties p = new Properties();
        p.put("bootstrap.servers", base.kafkaBootstrap);
        return p;
    }

    private Connection hbase() throws IOException {
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", base.hbaseQuorum);
        conf.setInt("hbase.zookeeper.property.clientPort", base.hbasePort);
        return ConnectionFactory.createConnection(conf);
    }

    @Override
    public void close() {
        try (AdminClient admin = AdminClient.create(kafkaProps())) {
            admin.deleteTopics(KINDS.stream().map(this::topic).toList()).all().get();
        } catch (Exception e) {
            System.err.println("bench: could not delete the topics of run " + run + ": " + e.getMessage());
        }
        try (Connection c = hbase(); Admin admin = c.getAdmin()) {
            for (String t : HBASE_TABLES.keySet()) {
                TableName name = TableName.valueOf(namespace(), t);
                if (admin.tableExists(name)) {
                    admin.disableTable(name);
                    admin.deleteTable(name);
                }
            }
            admin.deleteNamespace(namespace());
        } catch (Exception e) {
            System.err.println("bench: could not drop HBase namespace " + namespace() + ": " + e.getMessage());
        }
        for (String index : List.of("gmall_coupon_alert_bench_" + run, "gmall_sale_detail_bench_" + run)) {
            try {
                http.send(HttpRequest.newBuilder(URI.create(base.esUrl + "/" + index)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                System.err.println("bench: could not delete index " + index + ": " + e.getMessage());
            }
        }
        try (JedisPooled redis = new JedisPooled(base.redisUrl)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(redisPrefix + "*").count(1000));
                if (!page.getResult().isEmpty()) {
                    redis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        try (Stream<Path> files = Files.walk(lake)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not remove " + lake + ": " + e.getMessage());
        }
    }
}
