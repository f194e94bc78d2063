package io.gmall.local.component;

import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import java.util.List;
import java.util.Map;

/** One instance of the log server (ingestion/logger); its readiness is a round trip to Kafka (a describeCluster). */
public final class LogServer extends SpringBootServer {

    public LogServer(String name) {
        super(name, "ingestion/logger/target/gmall-logger.jar", "logger.heap");
    }

    @Override
    public List<String> dependsOn() {
        return List.of("kafka");
    }

    @Override
    Map<String, String> env(Context ctx) {
        return Map.of("GMALL_KAFKA_BOOTSTRAP", Endpoints.of(ctx.config()).kafkaBootstrap());
    }

    @Override
    String readyMeans() {
        return "ready (Kafka reachable)";
    }
}
