package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ground truth of a run: what was sent and what the collector accepted, and from the accepted
 * records and committed orders the answers every later stage must give, by business day and hour.
 * Thread-safe: senders report results concurrently.
 */
final class Ledger {

    /** What each accepted startup tells: the device and its client time. */
    private final Map<String, Map<String, Long>> firstVisitByDay = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, Long> acceptedByType = new TreeMap<>();
    private final Set<String> acceptedEventIds = new HashSet<>();
    private final List<ObjectNode> orders = new ArrayList<>();
    private final Map<Integer, ObjectNode> orderBySeq = new HashMap<>();
    private final ZoneId zone;

    Ledger(ZoneId zone) {
        this.zone = zone;
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
        String type = r.get("type").asText();
        acceptedByType.merge(type, 1L, Long::sum);
        acceptedEventIds.add(r.get("event_id").asText());
        if ("startup".equals(type)) {
            long ts = r.get("ts").asLong();
            firstVisitByDay.computeIfAbsent(day(ts), d -> new HashMap<>()).merge(r.get("mid").asText(), ts, Math::min);
        }
    }

    synchronized void rejected(Action.SendLog sent) {
        count("rejected", 1);
        count("rejected_" + sent.kind().name().toLowerCase(), 1);
    }

    synchronized void orderPlaced(Action.PlaceOrder order, BusinessDb.Placed placed, BusinessDb.User user, Map<Long, BusinessDb.Sku> skus) {
        ObjectNode o = LogJson.MAPPER.createObjectNode();
        o.put("order_id", placed.orderId());
        o.put("user_id", order.userId());
        o.put("area", order.area());
        o.put("total_amount", placed.total());
        o.put("create_time_ms", order.at());
        o.put("dt", day(order.at()));
        o.put("hour", hour(order.at()));
        o.put("order_status", "1001");
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

    /**
     * Writes the ledger and updates the first-seen registry of devices across runs (new devices are
     * those whose first startup ever, in any run, falls on the day).
     */
    synchronized Path write(Path dir, ObjectNode run, List<Simulation.AbuseWindow> abuse) throws IOException {
        Files.createDirectories(dir);
        Path registryFile = dir.resolve("first-seen.json");
        Map<String, Long> firstSeen = new HashMap<>();
        if (Files.exists(registryFile)) {
            LogJson.MAPPER.readTree(registryFile.toFile()).fields().forEachRemaining(e -> firstSeen.put(e.getKey(), e.getValue().asLong()));
        }
        firstVisitByDay.values().forEach(m -> m.forEach((mid, ts) -> firstSeen.merge(mid, ts, Math::min)));

        ObjectNode ledger = LogJson.MAPPER.createObjectNode();
        ledger.set("run", run);
        ledger.put("zone", zone.getId());
        ObjectNode c = ledger.putObject("counts");
        counts.forEach(c::put);
        ObjectNode kafka = ledger.putObject("kafka");
        kafka.put("gmall.log.startup", acceptedByType.getOrDefault("startup", 0L));
        kafka.put("gmall.log.event", acceptedByType.getOrDefault("event", 0L));
        kafka.put("gmall.log.dlq", counts.getOrDefault("rejected", 0L));

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
            a.put("all_claims_accepted", acceptedEventIds.containsAll(w.claimEventIds()));
        }
        ArrayNode orderNode = ledger.putArray("orders");
        orders.forEach(orderNode::add);

        String runId = run.get("id").asText();
        Path file = dir.resolve("ledger-" + runId + ".json");
        LogJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), ledger);
        Files.copy(file, dir.resolve("ledger-latest.json"), StandardCopyOption.REPLACE_EXISTING);
        ObjectNode registry = LogJson.MAPPER.createObjectNode();
        new TreeMap<>(firstSeen).forEach(registry::put);
        Path tmp = dir.resolve("first-seen.json.tmp");
        LogJson.MAPPER.writeValue(tmp.toFile(), registry);
        Files.move(tmp, registryFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private int hourOf(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(zone).getHour();
    }
}
