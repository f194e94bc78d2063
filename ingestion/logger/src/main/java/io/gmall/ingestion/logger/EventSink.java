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
     * @throws SinkRefusedException     if the sink refuses a record for good (too large, not authorised,
     *                                  no such topic): resending the same request cannot succeed
     */
    void sendAll(List<Outgoing> records, Duration timeout) throws SinkUnavailableException, SinkRefusedException;

    /** A quick round trip to the sink, for readiness. */
    boolean available(Duration timeout);

    final class SinkUnavailableException extends Exception {
        public SinkUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A refusal retrying cannot mend; {@code recordTooLarge} tells the client's fault from the server's set-up. */
    final class SinkRefusedException extends Exception {
        private final boolean recordTooLarge;

        public SinkRefusedException(String message, boolean recordTooLarge, Throwable cause) {
            super(message, cause);
            this.recordTooLarge = recordTooLarge;
        }

        public boolean recordTooLarge() {
            return recordTooLarge;
        }
    }
}
