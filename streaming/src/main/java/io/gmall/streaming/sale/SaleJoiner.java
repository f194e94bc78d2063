package io.gmall.streaming.sale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.streaming.CdcRows;
import io.gmall.streaming.store.StateStore;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins order changes with order-detail changes across micro-batches, with Redis as the buffer for
 * whichever side comes first, and enriches each pair with the user as of the order's creation.
 *
 * <p>Redis, every write absolute: {@code gmall:sale:order:<id>} the order's latest row (JSON),
 * {@code gmall:sale:details:<order id>} a hash of detail id to its latest row, both expiring after the join
 * TTL; {@code gmall:sale:user:<id>} a sorted set of the user's versions scored by the time they took effect
 * ({@code operate_time}, else {@code create_time}), so an order finds the version at its own time however
 * late it is joined; {@code gmall:sale:waiting} the orders still missing a side, scored by when they started
 * waiting, so those past the TTL are counted as left to the nightly backfill.
 */
public final class SaleJoiner {

    public static final String WAITING = "gmall:sale:waiting";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOMBSTONE = "{\"deleted\":true}";

    /** What one micro-batch did. */
    public record Result(List<SaleRow> joined, List<String> deletedDetailIds, long expiredUnjoined) {
    }

    private final StateStore state;
    private final BusinessTime time;
    private final ZoneId businessZone;
    private final ZoneId sourceZone;
    private final Duration ttl;
    private final StoreRetry retry;
    private final Clock clock;
    private long expiredUnjoined;

    public SaleJoiner(StateStore state, ZoneId businessZone, ZoneId sourceZone, Duration ttl, StoreRetry retry, Clock clock) {
        this.state = state;
        this.time = new BusinessTime(businessZone);
        this.businessZone = businessZone;
        this.sourceZone = sourceZone;
        this.ttl = ttl;
        this.retry = retry;
        this.clock = clock;
    }

    public static String orderKey(String orderId) {
        return "gmall:sale:order:" + orderId;
    }

    public static String detailsKey(String orderId) {
        return "gmall:sale:details:" + orderId;
    }

    public static String userKey(String userId) {
        return "gmall:sale:user:" + userId;
    }

    /** Orders and details that waited longer than the TTL, since start. */
    public long expiredUnjoined() {
        return expiredUnjoined;
    }

    /** The time a user row took effect: its {@code operate_time}, else its {@code create_time} (0 when it has neither). */
    public static long effectiveAt(Map<String, Object> user, ZoneId sourceZone) {
        String at = (String) (user.get("operate_time") != null ? user.get("operate_time") : user.get("create_time"));
        return at == null ? 0 : CdcRows.epochMillis(at, sourceZone);
    }

    /** A user version as stored: the same JSON for the same state at the same time, whether from CDC or the bootstrap. */
    public static String userVersion(Map<String, Object> user, long at) {
        ObjectNode v = JSON.createObjectNode();
        v.put("v", at);
        v.put("gender", (String) user.get("gender"));
        v.put("birthday", (String) user.get("birthday"));
        v.put("level", user.get("user_level") == null ? null : user.get("user_level").toString());
        return v.toString();
    }

    /**
     * Records user versions: each row as of its own time, and for an update also the state before it, as of
     * just before the update (a user created after a replayed past day, then updated on that day, still has
     * its first state for the orders placed before the update). A delete drops the user's history: an id
     * inserted again later is another user, and must not lend its attributes to the first one's orders
     * (documents already joined keep theirs).
     */
    public void applyUsers(List<Change> users) {
        if (users.isEmpty()) {
            return;
        }
        Set<String> dropped = new LinkedHashSet<>();
        Map<String, Map<String, Long>> versionsByKey = new LinkedHashMap<>();
        for (Change c : users) {
            String key = userKey(c.id());
            if (c.after() == null) {
                dropped.add(key);
                versionsByKey.remove(key);
                continue;
            }
            addVersions(versionsByKey.computeIfAbsent(key, k -> new LinkedHashMap<>()), c, sourceZone);
        }
        retry.run("Redis", "recording user versions", () -> {
            state.delete(dropped);
            state.addScored(versionsByKey);
        });
    }

    /** Adds the versions a user's insert or update gives (version JSON to the time it took effect); see {@link #applyUsers}. */
    public static void addVersions(Map<String, Long> versions, Change c, ZoneId sourceZone) {
        long at = effectiveAt(c.after(), sourceZone);
        versions.put(userVersion(c.after(), at), at);
        if (c.before() != null) {
            long before = Math.min(effectiveAt(c.before(), sourceZone), at - 1);
            versions.put(userVersion(c.before(), before), before);
        }
    }

    /**
     * Applies the batch's order and detail changes (each list in binlog order per key) and returns the rows of
     * every order the batch touched that now has both sides, plus the details removed.
     */
    public Result apply(List<Change> orders, List<Change> details) {
        Set<String> touched = new LinkedHashSet<>();
        long now = clock.millis();
        Map<String, String> orderRows = new LinkedHashMap<>();
        for (Change c : orders) {
            touched.add(c.id());
            // A tombstone, and the details kept until the TTL, so a replay of this batch finds the same documents to delete.
            orderRows.put(orderKey(c.id()), c.after() == null ? TOMBSTONE : json(c.after()));
        }
        Map<String, Map<String, String>> detailPuts = new LinkedHashMap<>();
        Map<String, Set<String>> detailDeletes = new LinkedHashMap<>();
        for (Change c : details) {
            Map<String, Object> row = c.after() != null ? c.after() : c.before();
            String orderId = String.valueOf(row.get("order_id"));
            touched.add(orderId);
            String key = detailsKey(orderId);
            // The last change of a detail in the batch wins: a put cancels an earlier delete, and the reverse.
            if (c.after() == null) {
                Map<String, String> puts = detailPuts.get(key);
                if (puts != null) {
                    puts.remove(c.id());
                }
                detailDeletes.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(c.id());
            } else {
                Set<String> deletes = detailDeletes.get(key);
                if (deletes != null) {
                    deletes.remove(c.id());
                }
                detailPuts.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(c.id(), json(c.after()));
            }
        }
        List<String> orderIds = List.copyOf(touched);
        List<String> orderKeys = orderIds.stream().map(SaleJoiner::orderKey).toList();
        List<String> lineKeys = orderIds.stream().map(SaleJoiner::detailsKey).toList();
        retry.run("Redis", "buffering orders and details", () -> {
            state.setText(orderRows);
            state.hashDelete(detailDeletes);
            state.hashPut(detailPuts);
            List<String> keys = new ArrayList<>(orderKeys);
            keys.addAll(lineKeys);
            state.expire(keys, ttl.toSeconds());
        });
        List<SaleRow> joined = new ArrayList<>();
        List<String> ofDeletedOrders = new ArrayList<>();
        retry.run("Redis", "joining orders with details and users", () -> {
            joined.clear();
            ofDeletedOrders.clear();
            List<String> orderTexts = state.getText(orderKeys);
            List<Map<String, String>> lineMaps = state.hashGetAll(lineKeys);
            List<String> complete = new ArrayList<>();
            Map<String, Long> waiting = new LinkedHashMap<>();
            List<JsonNode> joinable = new ArrayList<>();
            List<Map<String, String>> joinableLines = new ArrayList<>();
            for (int i = 0; i < orderIds.size(); i++) {
                String order = orderTexts.get(i);
                Map<String, String> lines = lineMaps.get(i);
                if (TOMBSTONE.equals(order)) {
                    ofDeletedOrders.addAll(lines.keySet());
                    complete.add(orderIds.get(i));
                } else if (order == null && lines.isEmpty()) {
                    complete.add(orderIds.get(i));
                } else if (order == null || lines.isEmpty()) {
                    waiting.put(orderIds.get(i), now);
                } else {
                    complete.add(orderIds.get(i));
                    joinable.add(JSON.readTree(order));
                    joinableLines.add(lines);
                }
            }
            List<Long> created = joinable.stream().map(o -> CdcRows.epochMillis(o.path("create_time").asText(), sourceZone)).toList();
            List<String> users = state.latestAtOrBefore(joinable.stream().map(o -> userKey(o.path("user_id").asText())).toList(), created);
            for (int i = 0; i < joinable.size(); i++) {
                joined.addAll(rows(joinable.get(i), created.get(i), users.get(i), joinableLines.get(i).values()));
            }
            state.sortedRemove(WAITING, complete);
            state.addIfAbsent(WAITING, waiting);
        });
        long expired = retry.call("Redis", "expiring unjoined orders", () -> state.popScoredBelow(WAITING, now - ttl.toMillis()).size());
        expiredUnjoined += expired;
        List<String> deleted = new ArrayList<>(ofDeletedOrders);
        details.stream().filter(c -> c.after() == null).map(Change::id).forEach(deleted::add);
        return new Result(joined, deleted, expired);
    }

    /** The rows of one order, with the user version in effect at its creation (null: none known). */
    private List<SaleRow> rows(JsonNode order, long created, String user, Collection<String> lines) throws JsonProcessingException {
        return rowsOf(order, created, user, lines, time, businessZone);
    }

    /**
     * The documents of one order: each of its details ({@code lines}, rows as JSON) joined with the order and the
     * user version in effect at the order's creation ({@link #userVersion}; null when none is known). One definition
     * for the stream and the nightly reconcile.
     */
    public static List<SaleRow> rowsOf(JsonNode order, long created, String user, Collection<String> lines, BusinessTime time,
                                       ZoneId businessZone) throws JsonProcessingException {
        String orderId = order.path("id").asText();
        String userId = order.path("user_id").asText();
        LocalDate orderDay = LocalDate.parse(time.day(created));
        JsonNode u = user == null ? JSON.createObjectNode() : JSON.readTree(user);
        Integer age = u.path("birthday").isTextual()
                ? Period.between(LocalDate.parse(u.path("birthday").asText()), orderDay).getYears() : null;
        String createTime = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochMilli(created).atZone(businessZone));
        List<SaleRow> out = new ArrayList<>();
        for (String line : lines) {
            JsonNode d = JSON.readTree(line);
            out.add(new SaleRow(d.path("id").asText(), orderId, text(order, "order_status"), createTime, userId, text(u, "gender"), age,
                    text(u, "level"), d.path("sku_id").asText(), text(d, "sku_name"), new BigDecimal(d.path("order_price").asText()),
                    d.path("sku_num").asInt(), text(order, "province"), orderDay.toString()));
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A row as the buffer holds it: JSON with decimals as plain text. */
    public static String json(Map<String, Object> row) {
        Map<String, Object> plain = new LinkedHashMap<>();
        row.forEach((k, v) -> plain.put(k, v instanceof BigDecimal d ? d.toPlainString() : v));
        try {
            return JSON.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One row change: its key and its after image (null for a delete). */
    public record Change(String id, Map<String, Object> before, Map<String, Object> after) {
    }
}
