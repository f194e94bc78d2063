package io.gmall.ingestion.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Named fixtures: valid records to mutate. */
final class Records {

    static final long NOW = 1_795_000_000_000L;

    private Records() {
    }

    static ObjectNode aStartupLog() {
        ObjectNode r = LogJson.MAPPER.createObjectNode();
        r.put("event_id", "3f1c2a6e-8d4b-4a57-9c3e-0b5f6a7d8e9f");
        r.put("type", "startup");
        r.put("mid", "mid_42");
        r.put("uid", "117");
        r.put("os", "android");
        r.put("appid", "gmall");
        r.put("area", "guangdong");
        r.put("ch", "huawei");
        r.put("vs", "1.2.0");
        r.put("ts", NOW - 60_000);
        return r;
    }

    static ObjectNode anEventLog(String evid) {
        ObjectNode r = aStartupLog();
        r.put("type", "event");
        r.put("evid", evid);
        r.put("pgid", 3);
        r.put("npgid", 7);
        r.put("itemid", 12);
        return r;
    }
}
