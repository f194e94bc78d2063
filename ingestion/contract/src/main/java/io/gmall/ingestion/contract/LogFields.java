package io.gmall.ingestion.contract;

import java.util.List;

/** Field names and allowed values of the behaviour-log records (DESIGN.md, Contracts). */
public final class LogFields {

    public static final int SCHEMA_VERSION = 1;

    public static final String SCHEMA_VERSION_FIELD = "schema_version";
    public static final String EVENT_ID = "event_id";
    public static final String TYPE = "type";
    public static final String MID = "mid";
    public static final String UID = "uid";
    public static final String OS = "os";
    public static final String APPID = "appid";
    public static final String AREA = "area";
    public static final String CH = "ch";
    public static final String VS = "vs";
    public static final String TS = "ts";
    public static final String SERVER_TS = "server_ts";
    /** {@code "client"} when the client sent {@code ts}; {@code "server"} when the legacy endpoint stamped it on receipt. */
    public static final String TS_SOURCE = "ts_source";
    public static final String EVID = "evid";
    public static final String PGID = "pgid";
    public static final String NPGID = "npgid";
    public static final String ITEMID = "itemid";

    public static final String TYPE_STARTUP = "startup";
    public static final String TYPE_EVENT = "event";
    public static final List<String> TYPES = List.of(TYPE_STARTUP, TYPE_EVENT);
    public static final List<String> OSES = List.of("ios", "android", "web");

    public static final String EVID_CLICK_ITEM = "clickItem";
    public static final String EVID_ADD_CART = "addCart";
    public static final String EVID_ADD_FAVOR = "addFavor";
    public static final String EVID_ADD_COMMENT = "addComment";
    public static final String EVID_COUPON = "coupon";
    public static final List<String> EVIDS = List.of(EVID_CLICK_ITEM, EVID_ADD_CART, EVID_ADD_FAVOR, EVID_ADD_COMMENT, EVID_COUPON);
    /** Events about one item: they must name it. */
    public static final List<String> ITEM_EVIDS = List.of(EVID_CLICK_ITEM, EVID_ADD_CART, EVID_ADD_FAVOR, EVID_ADD_COMMENT);

    private LogFields() {
    }
}
