package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogFields;
import io.gmall.ingestion.contract.LogJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ground truth of a run: what was sent and what the collector accepted, and from the accepted
 * records and committed orders the answers every later stage must give, by business day and hour.
 * Delivery into Kafka is at-least-once, so every answer counts a record once per event_id, however
 * often it was sent. Thread-safe: senders report results concurrently.
 */
final class Ledger {

    static final String STARTUP_TOPIC = "gmall.log.startup";
    static final String EVENT_TOPIC = "gmall.log.event";
    static final String DLQ_TOPIC = "gmall.log.dlq";

    /**
     * What the collector acknowledged into one topic: its records (the mock's own repeated sends
     * included) and their distinct keys. The key is the event_id in the log topics; in the DLQ it is the
     * refused record's text, only counted, because a refused record need not carry a valid event_id.
     */
    private static final class Topic {
        long records;
        final Set<String> keys = new HashSet<>();
    }

    /** What each accepted startup tells: the device and its client time. */
    private final Map<String, Map<String, Long>> firstVisitByDay = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, Topic> topics = new LinkedHashMap<>();
    /** The accepted coupon claims and item clicks, once each, for the alert rule. */
    private final List<CouponAbuseTruth.Activity> activities = new ArrayList<>();
    /**
     * Coupon claims and clicks more than {@link #LATE_AFTER_MS} late: acknowledged that long after their own
     * time ({@code lag_ms}, by the wall clock), or that far behind the newest event time acknowledged before them
     * ({@code event_lag_ms}, what a stream's event-time watermark sees). A stream drops those behind its
     * watermark, so the alerts of their windows are excused when the lag exceeds it. Kept as (ts, lag, event
     * lag) beside their device.
     */
    static final long LATE_AFTER_MS = 30_000;
    private final List<long[]> lateActivities = new ArrayList<>();
    private final List<String> lateMids = new ArrayList<>();
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private long maxEventTs = Long.MIN_VALUE;
    private final List<ObjectNode> orders = new ArrayList<>();
    private final Map<Integer, ObjectNode> orderBySeq = new HashMap<>();
    private final ZoneId zone;

    Ledger(ZoneId zone) {
        this.zone = zone;
        for (String topic : List.of(STARTUP_TOPIC, EVENT_TOPIC, DLQ_TOPIC)) {
            topics.put(topic, new Topic());
        }
    }

    /** The wall clock acknowledgements are timed with; a test sets a fixed one. */
    synchronized void clock(java.time.Clock clock) {
        this.clock = clock;
    }

    synchronized void count(String what, long n) {
        counts.merge(what, n, Long::sum);
    }

    synchronized long counted(String what) {
        return counts.getOrDefault(what, 0L);
    }

    synchronized void accepted(Action.SendLog sent) {
        count("accepted", 1);
        JsonNode r = sent.record();
        boolean startup = LogFields.TYPE_STARTUP.equals(r.get(LogFields.TYPE).asText());
        if (!delivered(startup ? STARTUP_TOPIC : EVENT_TOPIC, r.get(LogFields.EVENT_ID).asText())) {
            return;
        }
        long ts = r.get(LogFields.TS).asLong();
        String mid = r.get(LogFields.MID).asText();
        long lag = clock.millis() - ts;
        long eventLag = maxEventTs == Long.MIN_VALUE ? 0 : Math.max(0, maxEventTs - ts);
        maxEventTs = Math.max(maxEventTs, ts);
        if (!startup && Math.max(lag, eventLag) > LATE_AFTER_MS && CouponAbuseTruth.concerns(r.path(LogFields.EVID).asText())) {
            lateActivities.add(new long[] {ts, lag, eventLag});
            lateMids.add(mid);
        }
        if (startup) {
            firstVisitByDay.computeIfAbsent(day(ts), d -> new HashMap<>()).merge(mid, ts, Math::min);
        } else if (CouponAbuseTruth.concerns(r.path(LogFields.EVID).asText())) {
            activities.add(new CouponAbuseTruth.Activity(mid, r.path(LogFields.UID).asText(null), ts, r.get(LogFields.EVID).asText()));
        }
    }

    synchronized void rejected(Action.SendLog sent) {
        count("rejected", 1);
        count("rejected_" + sent.kind().name().toLowerCase(), 1);
        delivered(DLQ_TOPIC, sent.record().toString());
    }

    /** Records one more record acknowledged into the topic; true when its key is new there. */
    private boolean delivered(String topic, String key) {
        Topic t = topics.get(topic);
        t.records++;
        return t.keys.add(key);
    }

    synchronized void orderPlaced(Action.PlaceOrder order, BusinessDb.Placed placed, Map<Long, BusinessDb.Sku> skus) {
        ObjectNode o = LogJson.MAPPER.createObjectNode();
        o.put("order_id", placed.orderId());
        o.put("user_id", order.userId());
        o.put("area", order.area());
        o.put("total_amount", placed.total());
        o.put("create_time_ms", order.at());
        o.put("dt", day(order.at()));
        o.put("hour", hour(order.at()));
        o.put("order_status", "1001");
        // As MariaDB held the user when the order was committed (read in the order's transaction).
        BusinessDb.User user = placed.user();
        ObjectNode u = o.putObject("user");
        u.put("gender", user.gender());
        u.put("level", user.level());
        u.put("age", user.birthday() == null ? null : Period.between(user.birthday(), LocalDate.parse(day(order.at()))).getYears());
        ArrayNode details = o.putArray("details");
        for (int i = 0; i < order.lines().size(); i++) {
            Action.Line line = order.lines().get(i);
            BusinessDb.Sku sku = skus.get(line.skuId());
            details.addObject().put("order_detail_id", placed.detailIds().get(i)).put("sku_id", sku.id()).put("sku_name", sku.name())
                    .put("sku_price", sku.price()).put("sku_num", line.num());
        }
        orders.add(o);
        orderBySeq.put(order.orderSeq(), o);
        count("orders", 1);
    }

    synchronized Long orderId(int orderSeq) {
        ObjectNode o = orderBySeq.get(orderSeq);
        return o == null ? null : o.get("order_id").asLong();
    }

    synchronized void orderSettled(int orderSeq, String status) {
        ObjectNode o = orderBySeq.get(orderSeq);
        if (o != null) {
            o.put("order_status", status);
        }
    }

    String day(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate().toString();
    }

    String hour(long epochMillis) {
        return String.format("%02d", hourOf(epochMillis));
    }

    /** This run's devices with their earliest accepted startup. */
    synchronized Map<String, Long> firstVisits() {
        Map<String, Long> first = new HashMap<>();
        firstVisitByDay.values().forEach(m -> m.forEach((mid, ts) -> first.merge(mid, ts, Math::min)));
        return first;
    }

    /**
     * The ledger as it stands. {@code firstSeen} holds every device's first startup in any run, this one
     * included: a device is new on the day of that startup.
     */
    synchronized ObjectNode toJson(ObjectNode run, List<Simulation.AbuseWindow> abuse, Map<String, Long> firstSeen) {
        ObjectNode ledger = LogJson.MAPPER.createObjectNode();
        ledger.set("run", run);
        ledger.put("zone", zone.getId());
        ObjectNode c = ledger.putObject("counts");
        counts.forEach(c::put);
        ObjectNode kafka = ledger.putObject("kafka");
        topics.forEach((name, t) -> {
            ObjectNode topic = kafka.putObject(name).put("records", t.records).put("distinct", t.keys.size());
            if (!name.equals(DLQ_TOPIC)) {
                t.keys.stream().sorted().forEach(topic.putArray("event_ids")::add);
            }
        });

        ObjectNode days = ledger.putObject("days");
        Set<String> allDays = new java.util.TreeSet<>(firstVisitByDay.keySet());
        orders.forEach(o -> allDays.add(o.get("dt").asText()));
        for (String d : allDays) {
            ObjectNode day = days.putObject(d);
            Map<String, Long> visits = firstVisitByDay.getOrDefault(d, Map.of());
            long[] dauByHour = new long[24];
            long[] newByHour = new long[24];
            long[] ordersByHour = new long[24];
            BigDecimal[] amountByHour = new BigDecimal[24];
            java.util.Arrays.fill(amountByHour, BigDecimal.ZERO);
            visits.forEach((mid, ts) -> {
                int h = hourOf(ts);
                dauByHour[h]++;
                if (day(firstSeen.get(mid)).equals(d)) {
                    newByHour[h]++;
                }
            });
            for (ObjectNode o : orders) {
                if (o.get("dt").asText().equals(d)) {
                    int h = Integer.parseInt(o.get("hour").asText());
                    ordersByHour[h]++;
                    amountByHour[h] = amountByHour[h].add(o.get("total_amount").decimalValue());
                }
            }
            day.put("dau", java.util.Arrays.stream(dauByHour).sum());
            day.put("new_mid", java.util.Arrays.stream(newByHour).sum());
            day.put("order_count", java.util.Arrays.stream(ordersByHour).sum());
            day.put("order_amount", java.util.Arrays.stream(amountByHour).reduce(BigDecimal.ZERO, BigDecimal::add));
            ObjectNode hours = day.putObject("hours");
            for (int h = 0; h < 24; h++) {
                hours.putObject(String.format("%02d", h)).put("dau", dauByHour[h]).put("new_mid", newByHour[h])
                        .put("order_count", ordersByHour[h]).put("order_amount", amountByHour[h]);
            }
        }
        ArrayNode abuseNode = ledger.putArray("abuse");
        for (Simulation.AbuseWindow w : abuse) {
            ObjectNode a = abuseNode.addObject();
            a.put("mid", w.mid());
            w.uids().forEach(a.putArray("uids")::add);
            a.put("first_claim_ms", w.firstClaim());
            a.put("last_claim_ms", w.lastClaim());
            a.put("dt", day(w.firstClaim()));
            a.put("all_claims_accepted", topics.get(EVENT_TOPIC).keys.containsAll(w.claimEventIds()));
        }
        ArrayNode alerts = ledger.putArray("alerts");
        for (CouponAbuseTruth.Alert alert : CouponAbuseTruth.alerts(activities)) {
            ObjectNode a = alerts.addObject();
            a.put("mid", alert.mid());
            a.put("window_start_ms", alert.windowStart());
            a.put("window_end_ms", alert.windowEnd());
            alert.uids().forEach(a.putArray("uids")::add);
            // The day of the window's last instant: the alert is raised when the window closes, and a
            // window ending exactly at midnight still belongs wholly to the day before.
            a.put("dt", day(alert.windowEnd() - 1));
        }
        // Per day, each device's first startup: runs on one stack are judged together by the union of these.
        ObjectNode firstVisits = ledger.putObject("first_visits");
        firstVisitByDay.forEach((d, visits) -> {
            ObjectNode day = firstVisits.putObject(d);
            new TreeMap<>(visits).forEach(day::put);
        });
        ArrayNode late = ledger.putArray("late_activities");
        for (int i = 0; i < lateActivities.size(); i++) {
            late.addObject().put("mid", lateMids.get(i)).put("ts", lateActivities.get(i)[0]).put("lag_ms", lateActivities.get(i)[1])
                    .put("event_lag_ms", lateActivities.get(i)[2]);
        }
        if (maxEventTs != Long.MIN_VALUE) {
            ledger.put("max_event_ts", maxEventTs);
        }
        ArrayNode orderNode = ledger.putArray("orders");
        orders.forEach(o -> orderNode.add(o.deepCopy()));
        return ledger;
    }

    private int hourOf(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(zone).getHour();
    }
}
