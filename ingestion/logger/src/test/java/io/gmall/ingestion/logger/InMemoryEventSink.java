package io.gmall.ingestion.logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The sink for tests without Kafka: keeps what it acknowledged, or fails like an unreachable Kafka or one refusing for good. */
final class InMemoryEventSink implements EventSink {

    final List<Outgoing> acknowledged = new ArrayList<>();
    volatile boolean down;
    volatile SinkRefusedException refusing;

    @Override
    public synchronized void sendAll(List<Outgoing> records, Duration timeout) throws SinkUnavailableException, SinkRefusedException {
        if (down) {
            throw new SinkUnavailableException("Kafka did not acknowledge within " + timeout.toMillis() + " ms", null);
        }
        if (refusing != null) {
            throw refusing;
        }
        acknowledged.addAll(records);
    }

    @Override
    public boolean available(Duration timeout) {
        return !down;
    }

    synchronized List<Outgoing> on(String topic) {
        return acknowledged.stream().filter(o -> o.topic().equals(topic)).toList();
    }
}
