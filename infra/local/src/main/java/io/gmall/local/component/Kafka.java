package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Distributions;
import io.gmall.local.Context;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessControl;
import io.gmall.local.ProcessSpec;
import io.gmall.local.Templates;
import io.gmall.local.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka 4 in KRaft mode (broker and controller in one JVM) from Maven Central jars; topics from infra/kafka. */
public final class Kafka implements Component {

    private static final String MAIN = "kafka.Kafka";

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port("kafka"), config.port("kafka.controller"));
    }

    private Path serverProperties(Context ctx) {
        return ctx.layout().confDir(name()).resolve("server.properties");
    }

    private Path log4j(Context ctx) {
        return ctx.layout().confDir(name()).resolve("log4j2.properties");
    }

    private List<String> java(Context ctx, String heap, String mainClass) {
        List<String> command = ctx.jvm(heap);
        command.addAll(List.of("-Dlog4j2.configurationFile=" + log4j(ctx), "-cp", ctx.layout().distDir(name()).resolve("lib") + "/*", mainClass));
        return command;
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Distributions.jars(name(), ctx);
        Path logDirs = ctx.layout().dataDir(name());
        Map<String, String> values = new HashMap<>(ctx.config().asTemplateValues());
        values.put("kafka.logdirs", logDirs.toString());
        Templates.renderFile(ctx.layout().templates().resolve("kafka.properties"), serverProperties(ctx), values);
        Templates.renderFile(ctx.layout().templates().resolve("kafka-log4j2.properties"), log4j(ctx), values);
        if (!Files.exists(logDirs.resolve("meta.properties"))) {
            ctx.out().println("formatting the Kafka storage " + logDirs);
            List<String> format = java(ctx, "256m", "kafka.tools.StorageTool");
            format.addAll(List.of("format", "-t", Uuid.randomUuid().toString(), "-c", serverProperties(ctx).toString()));
            ProcessControl.run(format, ctx.layout().root(), logFile(ctx.layout()), Duration.ofMinutes(2));
        }
    }

    @Override
    public ProcessSpec process(Context ctx) {
        List<String> command = java(ctx, ctx.config().get("kafka.heap"), MAIN);
        command.add(serverProperties(ctx).toString());
        return ProcessSpec.foreground(command, ctx.layout().root(), serverProperties(ctx).toString());
    }

    private static Properties clientProperties(Context ctx) {
        Properties p = new Properties();
        int timeoutMs = (int) ctx.config().healthTimeout().toMillis();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.config().bind() + ":" + ctx.config().port("kafka"));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 5000));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        return p;
    }

    @Override
    public void ready(Context ctx) throws Exception {
        try (Admin admin = Admin.create(clientProperties(ctx))) {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void initialize(Context ctx) throws Exception {
        List<TopicCatalog.Topic> topics = TopicCatalog.load(ctx.layout().infra().resolve("kafka/topics.json"));
        try (Admin admin = Admin.create(clientProperties(ctx))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.config())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                ctx.out().printf("%-14s created topics %s%n", name(), missing.stream().map(NewTopic::name).toList());
            }
            // Only the topics that were there before: those just created have their partitions, and describing them at
            // once could meet a broker whose metadata has not caught up with the controller ("does not host this
            // topic-partition"), which failed a fresh stack's start.
            List<TopicCatalog.Topic> before = topics.stream().filter(t -> existing.contains(t.name())).toList();
            Map<String, TopicDescription> described = admin.describeTopics(before.stream().map(TopicCatalog.Topic::name).toList())
                    .allTopicNames().get();
            Map<String, NewPartitions> grow = new HashMap<>();
            for (TopicCatalog.Topic t : before) {
                if (described.get(t.name()).partitions().size() < t.partitions()) {
                    grow.put(t.name(), NewPartitions.increaseTo(t.partitions()));
                }
            }
            if (!grow.isEmpty()) {
                admin.createPartitions(grow).all().get();
            }
        }
    }

    @Override
    public String health(Context ctx) throws Exception {
        Properties p = clientProperties(ctx);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        String value = UUID.randomUUID().toString();
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            sent = producer.send(new ProducerRecord<>(TopicCatalog.HEALTH_TOPIC, "probe", value)).get(10, TimeUnit.SECONDS);
        }
        TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
        String back = awaitRecord(ctx, tp, sent.offset(), value::equals, Duration.ofSeconds(10));
        if (back == null) {
            throw new IllegalStateException("the produced record was not read back within 10 s");
        }
        return "produce/consume ok on " + TopicCatalog.HEALTH_TOPIC;
    }

    /** The end offset of a partition: where the next record written to it will be. */
    public static long endOffset(Context ctx, TopicPartition tp) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(clientProperties(ctx), new StringDeserializer(), new StringDeserializer())) {
            return consumer.endOffsets(List.of(tp), ctx.config().healthTimeout()).get(tp);
        }
    }

    /** Reads {@code tp} from {@code fromOffset} until a value matches; returns it, or null after {@code timeout}. */
    public static String awaitRecord(Context ctx, TopicPartition tp, long fromOffset, java.util.function.Predicate<String> matches, Duration timeout) {
        Properties c = clientProperties(ctx);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, fromOffset);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (matches.test(r.value())) {
                        return r.value();
                    }
                }
            }
        }
        return null;
    }
}
