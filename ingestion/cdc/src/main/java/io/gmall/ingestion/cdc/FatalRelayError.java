package io.gmall.ingestion.cdc;

/**
 * A failure that retrying cannot mend (a position that cannot be saved, a record Kafka refuses for good, a
 * server not set up for replication): the relay stops with a non-zero exit and this message, which says
 * what to do.
 */
final class FatalRelayError extends RuntimeException {

    FatalRelayError(String whatToDo, Throwable cause) {
        super(whatToDo, cause);
    }
}
