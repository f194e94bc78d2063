package io.gmall.ingestion.logger;

import java.time.Duration;
import java.util.List;

/** Where records go: every record of a call is acknowledged durably, or the call fails. */
public interface EventSink {

    /** One record for one topic, keyed so that per-key order holds. */
    record Outgoing(String topic, String key, byte[] value) {
    }

    /**
     * Sends all records and returns once every one is acknowledged.
     *
     * @throws SinkUnavailableException if any record is not acknowledged within {@code timeout}; some
     *                                  may still have been written, so the client resends the same
     *                                  records (same event_id) and downstream removes the duplicates
     */
    void sendAll(List<Outgoing> records, Duration timeout) throws SinkUnavailableException;

    /** A quick round trip to the sink, for readiness. */
    boolean available(Duration timeout);

    final class SinkUnavailableException extends Exception {
        public SinkUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
