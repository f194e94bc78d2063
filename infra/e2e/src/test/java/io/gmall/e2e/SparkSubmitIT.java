package io.gmall.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.local.Context;
import io.gmall.local.Http;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.SparkJvm;
import io.gmall.local.Stack;
import io.gmall.local.component.SparkStandalone;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The application jar runs unchanged with spark-submit on a cluster: submitted to the local Spark standalone
 * master (its executors on the worker), pointed by configuration alone at a topic of its own and a lake of
 * its own, it lands that topic's records in bronze.
 */
class SparkSubmitIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 200;

    private final ByteArrayOutputStream launcherOut = new ByteArrayOutputStream();
    private final Layout layout = new Layout(Path.of(System.getProperty("gmall.root")));
    private final LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
    private final Context ctx = new Context(layout, config, new PrintStream(launcherOut, true, StandardCharsets.UTF_8), Context.runningAsRoot());
    private final Stack stack = new Stack(Launcher.components(), ctx);

    @Test
    void theApplicationJarSubmittedToTheStandaloneClusterWritesBronze() throws Exception {
        Stack.UpResult cluster = stack.up(List.of(SparkStandalone.WORKER));
        assertThat(cluster.ok()).as(launcherOut.toString(StandardCharsets.UTF_8)).isTrue();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it." + run + ".events";
        Path lake = Files.createTempDirectory("spark-submit-it");
        Path log = lake.resolve("submit.log");
        Process submit = null;
        try {
            produce(topic);
            List<String> command = new ArrayList<>(ctx.jvm("1g"));
            command.addAll(SparkJvm.opens(layout.root().resolve("pom.xml")));
            command.addAll(List.of("-cp", SparkStandalone.sparkHome(ctx).resolve("jars") + "/*", "org.apache.spark.deploy.SparkSubmit",
                    "--master", SparkStandalone.masterUrl(config), "--deploy-mode", "client", "--name", "gmall-streaming-it-" + run,
                    "--conf", "spark.executor.memory=512m", "--conf", "spark.cores.max=1",
                    "--conf", "spark.driver.host=" + config.bind(), "--conf", "spark.driver.bindAddress=" + config.bind(),
                    "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
                    "--class", "io.gmall.streaming.StreamingApp", layout.root().resolve("streaming/target/gmall-streaming.jar").toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(SparkJvm.env(ctx));
            pb.environment().putAll(Map.of(
                    "SPARK_HOME", SparkStandalone.sparkHome(ctx).toString(),
                    "SPARK_SCALA_VERSION", "2.12",
                    "GMALL_STREAMING_QUERIES", "bronze",
                    "GMALL_STREAMING_TOPIC_BRONZE_PATTERN", "it\\." + run + "\\..+",
                    "GMALL_STREAMING_LAKE_ROOT", lake.toString(),
                    "GMALL_STREAMING_CHECKPOINT_ROOT", lake.resolve("_checkpoints").toString(),
                    "GMALL_STREAMING_METRICS_PORT", Integer.toString(freePort()),
                    "GMALL_STREAMING_TRIGGER_SECONDS", "1"));
            submit = pb.start();

            Path deltaLog = lake.resolve("bronze").resolve(topic).resolve("_delta_log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            long landed = 0;
            while (landed < RECORDS && System.nanoTime() < deadline && submit.isAlive()) {
                Thread.sleep(1000);
                landed = recordsIn(deltaLog);
            }
            assertThat(landed).as(Files.readString(log)).isEqualTo(RECORDS);
            assertThat(ranOnTheCluster(run)).as("the master lists the application").isTrue();
        } finally {
            if (submit != null) {
                submit.destroy();
                submit.waitFor(60, TimeUnit.SECONDS);
                submit.destroyForcibly();
            }
            if (cluster.started().contains(SparkStandalone.WORKER)) {
                stack.down(List.of(SparkStandalone.WORKER, SparkStandalone.MASTER));
            }
            try (Admin admin = Admin.create(kafka())) {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private Properties kafka() {
        Properties p = new Properties();
        p.put("bootstrap.servers", SparkJvm.env(ctx).get("GMALL_KAFKA_BOOTSTRAP"));
        return p;
    }

    private void produce(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka(), new StringSerializer(), new StringSerializer())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "{\"event_id\":\"" + UUID.randomUUID() + "\",\"ts\":" + now + "}")).get();
            }
        }
    }

    /** Rows Delta committed: the sum of numRecords over the add actions of every commit. */
    private static long recordsIn(Path deltaLog) throws IOException {
        if (!Files.isDirectory(deltaLog)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> commits = Files.list(deltaLog)) {
            for (Path commit : commits.filter(p -> p.getFileName().toString().matches("\\d+\\.json")).toList()) {
                for (String line : Files.readAllLines(commit)) {
                    JsonNode add = JSON.readTree(line).path("add");
                    if (add.has("stats")) {
                        n += JSON.readTree(add.path("stats").asText()).path("numRecords").asLong();
                    }
                }
            }
        }
        return n;
    }

    private boolean ranOnTheCluster(String run) throws Exception {
        String url = "http://" + config.bind() + ":" + config.get("spark-master.ui.port") + "/json/";
        JsonNode state = JSON.readTree(Http.expectOk(Http.send("GET", url, null, Duration.ofSeconds(10)), "master /json"));
        for (JsonNode app : state.path("activeapps")) {
            if (app.path("name").asText().equals("gmall-streaming-it-" + run)) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
