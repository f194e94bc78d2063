package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Endpoints;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One instance of the log server (ingestion/logger). It runs from a copy of the built jar in var/dist,
 * so a rebuild (mvn package during ./gmall test) never changes a jar under a running JVM.
 */
public final class LogServer implements Component {

    private final String name;

    public LogServer(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> dependsOn() {
        return List.of("kafka");
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port(name));
    }

    private Path jar(Context ctx) {
        return ctx.layout().distDir(name).resolve("gmall-logger.jar");
    }

    @Override
    public void prepare(Context ctx) throws IOException {
        Distributions.installBuilt(name, ctx.layout().root().resolve("ingestion/logger/target/gmall-logger.jar"), ctx);
    }

    @Override
    public ProcessSpec process(Context ctx) {
        List<String> command = ctx.jvm(ctx.config().get("logger.heap"));
        command.addAll(List.of(ctx.marker(name), "-Djava.io.tmpdir=" + ctx.layout().tmpDir(name), "-jar", jar(ctx).toString(),
                "--server.address=" + ctx.config().bind(), "--server.port=" + ctx.config().port(name)));
        return new ProcessSpec(command, Map.of("GMALL_KAFKA_BOOTSTRAP", Endpoints.of(ctx.config()).kafkaBootstrap()),
                ctx.layout().root(), ctx.marker(name), false);
    }

    private String url(Context ctx, String path) {
        return "http://" + ctx.config().bind() + ":" + ctx.config().port(name) + path;
    }

    @Override
    public void ready(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", url(ctx, "/actuator/health/liveness"), null, Duration.ofSeconds(2)), "liveness");
    }

    /** Readiness is a round trip through the server to Kafka (a describeCluster). */
    @Override
    public String health(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", url(ctx, "/actuator/health/readiness"), null, ctx.config().healthTimeout()), "readiness");
        return "ready (Kafka reachable)";
    }
}
