package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Endpoints;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;

/**
 * The CDC relay (ingestion/cdc): an embedded Canal server reading MariaDB's binlog and the relay writing
 * each row change to gmall.cdc.&lt;table&gt;. Its health is a round trip through all of it: a row of
 * gmall.cdc_heartbeat changed in MariaDB must come out of Kafka.
 */
public final class Cdc implements Component {

    static final String HEARTBEAT_TOPIC = "gmall.cdc.cdc_heartbeat";

    @Override
    public String name() {
        return "cdc";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("mariadb", "kafka");
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port("cdc"), config.port("cdc.metrics"));
    }

    private Path jar(Context ctx) {
        return ctx.layout().distDir(name()).resolve("gmall-cdc.jar");
    }

    private static Path built(Context ctx) {
        return ctx.layout().root().resolve("ingestion/cdc/target/gmall-cdc.jar");
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Distributions.installBuilt(name(), built(ctx), ctx);
    }

    @Override
    public boolean outdated(Context ctx) throws Exception {
        return Distributions.outdated(name(), built(ctx), ctx);
    }

    @Override
    public ProcessSpec process(Context ctx) {
        Endpoints e = Endpoints.of(ctx.config());
        List<String> command = ctx.jvm(ctx.config().get("cdc.heap"));
        command.addAll(List.of(ctx.marker(name()), "-jar", jar(ctx).toString(),
                "--canal-host", ctx.config().bind(), "--canal-port", Integer.toString(ctx.config().port(name())),
                "--metrics-port", Integer.toString(ctx.config().port("cdc.metrics")),
                "--position-file", ctx.layout().dataDir(name()).resolve("position.json").toString()));
        return new ProcessSpec(command, Map.of("GMALL_MARIADB_URL", e.mariadbUrl(), "GMALL_KAFKA_BOOTSTRAP", e.kafkaBootstrap()),
                ctx.layout().root(), ctx.marker(name()), false);
    }

    @Override
    public void ready(Context ctx) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ctx.config().bind(), ctx.config().port(name())), 2000);
        }
    }

    @Override
    public String health(Context ctx) throws Exception {
        TopicPartition tp = new TopicPartition(HEARTBEAT_TOPIC, 0);
        long from = Kafka.endOffset(ctx, tp);
        String beat = UUID.randomUUID().toString();
        Endpoints e = Endpoints.of(ctx.config());
        try (Connection c = DriverManager.getConnection(e.mariadbUrl(), e.mariadbUser(), e.mariadbPassword());
             PreparedStatement s = c.prepareStatement("REPLACE INTO cdc_heartbeat (id, beat, beat_at) VALUES (1, ?, NOW(3))")) {
            s.setString(1, beat);
            s.executeUpdate();
        }
        Duration timeout = ctx.config().healthTimeout();
        if (Kafka.awaitRecord(ctx, tp, from, value -> value.contains(beat), timeout) == null) {
            throw new IllegalStateException("a heartbeat written to MariaDB did not reach " + HEARTBEAT_TOPIC + " within " + timeout.toSeconds() + " s");
        }
        return "MariaDB -> Canal -> Kafka round trip ok";
    }
}
