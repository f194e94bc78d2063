package io.gmall.ingestion.logger;

import java.time.Duration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness follows the sink: a logger that cannot reach Kafka is alive but not ready. */
@Component("kafka")
class KafkaHealthIndicator implements HealthIndicator {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private final EventSink sink;
    private final LoggerProperties props;

    KafkaHealthIndicator(EventSink sink, LoggerProperties props) {
        this.sink = sink;
        this.props = props;
    }

    @Override
    public Health health() {
        Health.Builder health = sink.available(PROBE_TIMEOUT) ? Health.up() : Health.down();
        return health.withDetail("bootstrap", props.bootstrapServers()).build();
    }
}
