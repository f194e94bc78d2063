package io.gmall.bench;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records shaped as the mock's, written straight to Kafka by a fast producer: sessions of a startup and
 * about four events (5 % coupon claims) on 5,000 devices, and an order with one to three details every
 * twentieth session, as CDC envelopes like the relay's. Users 1–500 are written first.
 */
final class MockShapedLoad implements AutoCloseable {

    private static final String[] EVIDS = {"clickItem", "clickItem", "clickItem", "clickItem", "addComment", "addComment", "addComment", "addCart",
            "addCart", "addFavor"};

    private final BenchStack stack;
    private final KafkaProducer<String, String> producer;
    private final Random random = new Random(42);
    private final Map<String, AtomicLong> sent = new TreeMap<>();
    private long orderId;
    private long detailId;

    MockShapedLoad(BenchStack stack) {
        this.stack = stack;
        Properties p = stack.kafkaProps();
        p.put("linger.ms", "20");
        p.put("batch.size", Integer.toString(256 * 1024));
        p.put("compression.type", "lz4");
        p.put("acks", "1");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        BenchStack.KINDS.forEach(k -> sent.put(k, new AtomicLong()));
    }

    Map<String, AtomicLong> sent() {
        return sent;
    }

    long total() {
        return sent.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void send(String kind, String key, String value) {
        producer.send(new ProducerRecord<>(stack.topic(kind), key, value));
        sent.get(kind).incrementAndGet();
    }

    void users() {
        for (int id = 1; id <= 500; id++) {
            String after = String.format("{\"id\":%d,\"user_level\":\"%d\",\"birthday\":\"19%02d-0%d-1%d\",\"gender\":\"%s\","
                    + "\"create_time\":\"2026-01-01T00:00:00.000\",\"operate_time\":null}", id, 1 + id % 5, 60 + id % 40, 1 + id % 9, id % 10,
                    id % 2 == 0 ? "F" : "M");
            send("user", Integer.toString(id), envelope("user_info", "c", null, after));
        }
    }

    /** One session (and every twentieth an order); returns the records written. */
    int session(long nowMillis) {
        String mid = "bench_mid_" + (1 + random.nextInt(5000));
        String uid = Integer.toString(1 + random.nextInt(500));
        long ts = nowMillis;
        int n = 1;
        send("startup", mid, log(mid, uid, ts, null));
        do {
            ts += 1 + random.nextInt(3000);
            String evid = random.nextInt(100) < 5 ? "coupon" : EVIDS[random.nextInt(EVIDS.length)];
            send("event", mid, log(mid, uid, ts, evid));
            n++;
        } while (random.nextInt(100) >= 20);
        if (random.nextInt(20) == 0) {
            n += order(uid, nowMillis);
        }
        return n;
    }

    private int order(String uid, long at) {
        long id = ++orderId;
        // The database's wall clock is the business zone's, as the relay and the stream read it.
        String created = LocalDateTime.ofInstant(Instant.ofEpochMilli(at), stack.base.businessZone).toString();
        int lines = 1 + random.nextInt(3);
        String after = String.format("{\"id\":%d,\"consignee\":\"bench\",\"consignee_tel\":\"13800000000\",\"total_amount\":%d.%02d,"
                + "\"order_status\":\"1001\",\"user_id\":%s,\"payment_way\":\"1\",\"delivery_address\":\"x\",\"province\":\"beijing\","
                + "\"create_time\":\"%s\",\"operate_time\":null}", id, 10 + random.nextInt(5000), random.nextInt(100), uid, created);
        send("order", Long.toString(id), envelope("order_info", "c", null, after));
        for (int i = 0; i < lines; i++) {
            long d = ++detailId;
            String detail = String.format("{\"id\":%d,\"order_id\":%d,\"sku_id\":%d,\"sku_name\":\"Bench sku %d\",\"order_price\":%d.50,"
                    + "\"sku_num\":%d,\"create_time\":\"%s\"}", d, id, 1 + random.nextInt(100), i, 5 + random.nextInt(500), 1 + random.nextInt(3), created);
            send("detail", Long.toString(d), envelope("order_detail", "c", null, detail));
        }
        return 1 + lines;
    }

    private static String log(String mid, String uid, long ts, String evid) {
        String common = String.format("\"schema_version\":1,\"event_id\":\"%s\",\"mid\":\"%s\",\"uid\":\"%s\",\"os\":\"android\",\"appid\":\"gmall\","
                + "\"area\":\"beijing\",\"ch\":\"huawei\",\"vs\":\"1.2.0\",\"ts\":%d,\"server_ts\":%d", UUID.randomUUID(), mid, uid, ts, ts);
        return evid == null ? "{\"type\":\"startup\"," + common + "}"
                : "{\"type\":\"event\"," + common + ",\"evid\":\"" + evid + "\",\"pgid\":1,\"npgid\":2,\"itemid\":7}";
    }

    private static String envelope(String table, String op, String before, String after) {
        return "{\"op\":\"" + op + "\",\"database\":\"gmall\",\"table\":\"" + table + "\"" + (before == null ? "" : ",\"before\":" + before)
                + (after == null ? "" : ",\"after\":" + after) + ",\"binlog\":{\"file\":\"bench\",\"position\":4},\"ts\":" + System.currentTimeMillis() + "}";
    }

    /** Writes about {@code n} records as fast as Kafka takes them, a session a millisecond from now on. */
    void backlog(long n) {
        backlog(n, System.currentTimeMillis(), n);
    }

    /** Writes about {@code n} records as fast as Kafka takes them, their sessions spread evenly over {@code spanMillis} from {@code fromMillis}. */
    void backlog(long n, long fromMillis, long spanMillis) {
        long written = 0;
        while (written < n) {
            written += session(fromMillis + (long) ((double) written / n * spanMillis));
        }
        producer.flush();
    }

    /** Writes at {@code perSecond} records/s for {@code seconds}, in 10 ms steps; returns the records written. */
    long paced(int perSecond, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long written = 0;
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
            while (written < due) {
                written += session(System.currentTimeMillis());
            }
            Thread.sleep(10);
        }
        producer.flush();
        return written;
    }

    @Override
    public void close() {
        producer.close();
    }
}
