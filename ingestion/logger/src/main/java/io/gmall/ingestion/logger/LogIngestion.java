package io.gmall.ingestion.logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.DlqRecord;
import io.gmall.ingestion.contract.LogFields;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.LogValidator;
import io.gmall.ingestion.contract.Violation;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The collector's core, free of HTTP: reads a body, validates each record, routes accepted records by
 * type and refused ones to the DLQ, and returns only after the sink acknowledged all of them.
 */
@Service
public class LogIngestion {

    /** What happened to one element of the body. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RecordResult(int index, String status, @JsonProperty("event_id") String eventId, List<Violation> violations) {
        static RecordResult accepted(int index, String eventId) {
            return new RecordResult(index, "accepted", eventId, null);
        }

        static RecordResult rejected(int index, List<Violation> violations) {
            return new RecordResult(index, "rejected", null, violations);
        }
    }

    public sealed interface Outcome permits Processed, Refused {
    }

    /** The body was read: per-record results, every accepted and refused record acknowledged by the sink. */
    public record Processed(int accepted, int rejected, List<RecordResult> results, boolean singleRecord) implements Outcome {
    }

    /** The answer to a readable body, as the client receives it. */
    public record Answer(int accepted, int rejected, List<RecordResult> results) {
    }

    /** The whole body was refused, with an HTTP status. */
    public record Refused(int status, Violation violation) implements Outcome {
    }

    private final LoggerProperties props;
    private final EventSink sink;
    private final LogValidator validator = new LogValidator();
    private final DlqRecord.Processor processor;
    private final MeterRegistry metrics;

    public LogIngestion(LoggerProperties props, EventSink sink, MeterRegistry metrics) {
        this.props = props;
        this.sink = sink;
        this.metrics = metrics;
        String version = LogIngestion.class.getPackage().getImplementationVersion();
        this.processor = new DlqRecord.Processor("gmall-logger", version == null ? "dev" : version);
    }

    /**
     * @param stampMissingTs the seed's clients send no {@code ts}: the receive time stands in, marked
     *                       {@code ts_source=server}
     */
    public Outcome ingest(byte[] body, String endpoint, long receivedAt, boolean stampMissingTs)
            throws EventSink.SinkUnavailableException, EventSink.SinkRefusedException {
        LogJson.Body parsed = LogJson.parse(body);
        if (parsed instanceof LogJson.Unreadable unreadable) {
            String payload = new String(body, StandardCharsets.UTF_8);
            sink.sendAll(List.of(dlq(null, receivedAt, endpoint, List.of(unreadable.violation()), payload)), props.sendTimeout());
            count(endpoint, "refused_body", 1);
            return new Refused(400, unreadable.violation());
        }
        List<JsonNode> elements = ((LogJson.Records) parsed).elements();
        if (elements.size() > props.maxRecords()) {
            count(endpoint, "refused_body", 1);
            return new Refused(413, new Violation(Violation.TOO_LARGE, "$",
                    "a request carries at most " + props.maxRecords() + " records, this one " + elements.size() + "; split it"));
        }
        List<EventSink.Outgoing> outgoing = new ArrayList<>(elements.size());
        List<RecordResult> results = new ArrayList<>(elements.size());
        int accepted = 0;
        for (int i = 0; i < elements.size(); i++) {
            JsonNode element = elements.get(i);
            if (stampMissingTs && element instanceof ObjectNode object && !object.hasNonNull(LogFields.TS)) {
                object.put(LogFields.TS, receivedAt);
                object.put(LogFields.TS_SOURCE, "server");
            }
            LogValidator.Result result = validator.validate(element, receivedAt);
            if (result.accepted()) {
                ObjectNode record = result.record();
                String topic = LogFields.TYPE_STARTUP.equals(record.get(LogFields.TYPE).textValue()) ? props.startupTopic() : props.eventTopic();
                outgoing.add(new EventSink.Outgoing(topic, LogValidator.partitionKey(record), bytes(record)));
                results.add(RecordResult.accepted(i, record.get(LogFields.EVENT_ID).textValue()));
                accepted++;
            } else {
                outgoing.add(dlq(LogValidator.partitionKey(element), receivedAt, endpoint, result.violations(), String.valueOf(element)));
                results.add(RecordResult.rejected(i, result.violations()));
            }
        }
        sink.sendAll(outgoing, props.sendTimeout());
        count(endpoint, "accepted", accepted);
        count(endpoint, "rejected", elements.size() - accepted);
        return new Processed(accepted, elements.size() - accepted, results, !((LogJson.Records) parsed).array());
    }

    private EventSink.Outgoing dlq(String key, long receivedAt, String endpoint, List<Violation> violations, String payload) {
        return new EventSink.Outgoing(props.dlqTopic(), key, bytes(DlqRecord.of(processor, receivedAt, endpoint, violations, payload)));
    }

    private static byte[] bytes(Object value) {
        try {
            return LogJson.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void count(String endpoint, String outcome, int n) {
        if (n > 0) {
            metrics.counter("gmall.logger.records", "endpoint", endpoint, "outcome", outcome).increment(n);
        }
    }
}
