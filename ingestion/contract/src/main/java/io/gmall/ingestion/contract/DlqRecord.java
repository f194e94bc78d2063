package io.gmall.ingestion.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What lands in {@code gmall.log.dlq} for each refused record: who refused it, every reason, and the
 * payload exactly as it arrived (as text, because it may not be valid JSON).
 */
public record DlqRecord(
        Processor processor,
        @JsonProperty("received_at") long receivedAt,
        String endpoint,
        List<Violation> violations,
        String payload,
        @JsonProperty("payload_truncated") boolean payloadTruncated) {

    /** Payloads longer than this are cut, and say so. */
    public static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    public record Processor(String name, String version) {
    }

    public static DlqRecord of(Processor processor, long receivedAt, String endpoint, List<Violation> violations, String payload) {
        boolean truncated = payload.length() > MAX_PAYLOAD_CHARS;
        return new DlqRecord(processor, receivedAt, endpoint, List.copyOf(violations),
                truncated ? payload.substring(0, MAX_PAYLOAD_CHARS) : payload, truncated);
    }
}
