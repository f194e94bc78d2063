package io.gmall.ingestion.contract;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event log: one action of a device's session ({@code evid}: clickItem, addCart, addFavor,
 * addComment, coupon). Fields the contract does not know are kept in {@code extra}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventLog(
        @JsonProperty(LogFields.SCHEMA_VERSION_FIELD) Integer schemaVersion,
        @JsonProperty(LogFields.EVENT_ID) String eventId,
        @JsonProperty(LogFields.MID) String mid,
        @JsonProperty(LogFields.UID) String uid,
        @JsonProperty(LogFields.OS) String os,
        @JsonProperty(LogFields.APPID) String appid,
        @JsonProperty(LogFields.AREA) String area,
        @JsonProperty(LogFields.CH) String ch,
        @JsonProperty(LogFields.VS) String vs,
        @JsonProperty(LogFields.TS) Long ts,
        @JsonProperty(LogFields.SERVER_TS) Long serverTs,
        @JsonProperty(LogFields.EVID) String evid,
        @JsonProperty(LogFields.PGID) Integer pgid,
        @JsonProperty(LogFields.NPGID) Integer npgid,
        @JsonProperty(LogFields.ITEMID) Integer itemid,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public EventLog {
        extra = extra == null ? new LinkedHashMap<>() : new LinkedHashMap<>(extra);
        extra.remove(LogFields.TYPE);
    }

    @JsonProperty(LogFields.TYPE)
    public String type() {
        return LogFields.TYPE_EVENT;
    }

    /** A new event log as a client sends it (no server time yet). */
    public static EventLog of(String eventId, String mid, String uid, String os, String appid, String area, String ch, String vs,
                              long ts, String evid, Integer pgid, Integer npgid, Integer itemid) {
        return new EventLog(LogFields.SCHEMA_VERSION, eventId, mid, uid, os, appid, area, ch, vs, ts, null, evid, pgid, npgid, itemid, Map.of());
    }
}
