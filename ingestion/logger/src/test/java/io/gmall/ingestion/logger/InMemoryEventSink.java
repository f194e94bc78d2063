package io.gmall.ingestion.logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The sink for tests without Kafka: keeps what it acknowledged, or fails like an unreachable Kafka. */
final class InMemoryEventSink implements EventSink {

    final List<Outgoing> acknowledged = new ArrayList<>();
    volatile boolean down;

    @Override
    public synchronized void sendAll(List<Outgoing> records, Duration timeout) throws SinkUnavailableException {
        if (down) {
            throw new SinkUnavailableException("Kafka did not acknowledge within " + timeout.toMillis() + " ms", null);
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
