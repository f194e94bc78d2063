package io.gmall.ingestion.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code event_id} of a record that came without one (all of the seed client's {@code /log} traffic):
 * a name-based UUID of what the client sent, so an nginx retry or a client's resend of the same record
 * gets the same id and is removed downstream like any duplicate, where a random id would make it a
 * second event no one can tell apart.
 *
 * <p>The content is the record as sent, fields in a fixed order. A record without a client time has the
 * server's receive time stamped into it; that differs on every resend, so the id takes the receive
 * <em>minute</em> instead. Hence the documented trade-off: identical records without {@code event_id}
 * (same device, user, event, item, pages and client time, or the same receive minute when there is no
 * client time) are one event; a resend that crosses into the next minute is a duplicate that stays.
 */
public final class EventIds {

    private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final long MINUTE_MS = 60_000;

    private EventIds() {
    }

    /** The id of {@code record} (without its event_id), received at {@code receivedAtMs}. */
    public static String derived(ObjectNode record, long receivedAtMs) {
        ObjectNode content = record.deepCopy();
        content.remove(LogFields.EVENT_ID);
        if ("server".equals(content.path(LogFields.TS_SOURCE).asText())) {
            content.remove(LogFields.TS);
            content.remove(LogFields.TS_SOURCE);
            content.put("received_minute", Math.floorDiv(receivedAtMs, MINUTE_MS));
        }
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(CANONICAL.convertValue(content, Map.class));
            byte[] named = new byte[canonical.length + 1];
            // A namespace byte, so these ids cannot collide with name-based ids of other content.
            named[0] = 'g';
            System.arraycopy(canonical, 0, named, 1, canonical.length);
            return UUID.nameUUIDFromBytes(named).toString();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
