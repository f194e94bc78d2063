package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.EventLog;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.StartupLog;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The simulated world as a stream of actions in simulated-time order. Everything comes from one
 * seeded random source, so the same configuration gives the same actions, whatever the wall clock
 * or the servers do. Sessions arrive as a Poisson process sized so that log records average
 * {@code rate / speed} per simulated second.
 */
final class Simulation implements Iterator<Action> {

    /** Records per session on average: a startup and 4 events. */
    private static final double RECORDS_PER_SESSION = 5.0;
    private static final double THINK_MEAN_MS = 3_000;
    /** The alert rule injected abuse must trip: this many users within this window, no item clicks. */
    static final int ABUSE_USERS = 3;
    static final long ABUSE_WINDOW_MS = 5 * 60_000;

    /** Field added to every record so a run's records can be counted in Kafka and the DLQ. */
    static final String RUN_FIELD = "mock_run";

    private record Pending(Action action, long seq) {
    }

    private final MockConfig config;
    private final String runId;
    private final SplittableRandom random;
    private final Weighted<String> events;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> a.action().at() != b.action().at()
            ? Long.compare(a.action().at(), b.action().at()) : Long.compare(a.seq(), b.seq()));
    private final long end;
    private final double meanGapMs;
    private final List<AbuseWindow> abuse = new ArrayList<>();
    private long nextArrival;
    private long seq;
    private int orders;
    private long logsEmitted;

    /**
     * An injected coupon-abuse pattern: these users claimed coupons on this device between the first and
     * the last claim (client times); {@code claimEventIds} tell whether all the claims were accepted.
     */
    record AbuseWindow(String mid, List<String> uids, long firstClaim, long lastClaim, List<String> claimEventIds) {
    }

    Simulation(MockConfig config, String runId) {
        this.config = config;
        this.runId = runId;
        this.random = new SplittableRandom(config.seed());
        this.events = Profile.events(config.couponPercent());
        this.end = config.simulatedEnd().equals(java.time.Instant.MAX) ? Long.MAX_VALUE : config.simulatedEnd().toEpochMilli();
        this.meanGapMs = 1000.0 * RECORDS_PER_SESSION * config.speed() / config.rate();
        this.nextArrival = config.start().toEpochMilli();
        injectAbuse();
        closeWindows();
    }

    List<AbuseWindow> abuseWindows() {
        return List.copyOf(abuse);
    }

    /** Actions due after the end by more than this (late settlements, long sessions) are left out. */
    static final long GRACE_MS = 10_000;

    @Override
    public boolean hasNext() {
        fillUpTo(queue.isEmpty() ? nextArrival : queue.peek().action().at());
        return !queue.isEmpty() && !countReached() && (end == Long.MAX_VALUE || queue.peek().action().at() <= end + GRACE_MS);
    }

    @Override
    public Action next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Action action = queue.poll().action();
        if (action instanceof Action.SendLog) {
            logsEmitted++;
        }
        return action;
    }

    private boolean countReached() {
        return config.count() > 0 && logsEmitted >= config.count();
    }

    /** Starts every session that arrives no later than {@code until}. */
    private void fillUpTo(long until) {
        while (nextArrival <= until && nextArrival < end && !countReached()) {
            session(nextArrival);
            nextArrival += Math.max(1, (long) exponential(meanGapMs));
        }
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private void push(Action action) {
        queue.add(new Pending(action, seq++));
    }

    private String uuid() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** A device keeps its os, area, channel and version across sessions. */
    private record Device(String mid, String os, String area, String ch, String vs) {
    }

    private Device device(String mid, long index) {
        SplittableRandom r = new SplittableRandom(config.seed() * 31 + index);
        String os = Profile.OS.draw(r);
        String ch = os.equals("ios") ? Profile.IOS_CHANNEL : Profile.ANDROID_CHANNEL.draw(r);
        return new Device(mid, os, Profile.AREA.draw(r), ch, Profile.VERSION.draw(r));
    }

    private void session(long t0) {
        int deviceIndex = 1 + random.nextInt(config.devices());
        Device d = device(config.devicePrefix() + deviceIndex, deviceIndex);
        String uid = Integer.toString(config.firstUser() + random.nextInt(config.users()));
        log(t0, startup(d, uid, t0));
        long t = t0;
        Integer cartItem = null;
        while (random.nextDouble() >= Profile.QUIT_CHANCE) {
            t += Math.max(1, (long) exponential(THINK_MEAN_MS));
            String evid = events.draw(random);
            int item = random.nextInt(Profile.ITEMS);
            if (evid.equals("addCart")) {
                cartItem = item;
            }
            log(t, event(d, uid, t, evid, item));
        }
        if (cartItem != null && random.nextInt(100) < config.buyPercent()) {
            placeOrder(t + Math.max(1, (long) exponential(10_000)), Long.parseLong(uid), d.area(), cartItem);
        }
        if (random.nextInt(100) < 2) {
            push(new Action.UpdateProfile(t + 1000, Long.parseLong(uid), Integer.toString(1 + random.nextInt(5))));
        }
    }

    private void placeOrder(long at, long userId, String area, int cartItem) {
        int lines = 1 + random.nextInt(5);
        Set<Integer> items = new LinkedHashSet<>();
        items.add(cartItem);
        while (items.size() < lines) {
            items.add(random.nextInt(Profile.ITEMS));
        }
        List<Action.Line> orderLines = new ArrayList<>();
        for (int item : items) {
            orderLines.add(new Action.Line(skuOf(item), 1 + random.nextInt(3)));
        }
        int orderSeq = orders++;
        push(new Action.PlaceOrder(at, orderSeq, userId, area, orderLines));
        long settleAt = at + 60_000 + random.nextInt(9 * 60_000);
        push(new Action.SettleOrder(settleAt, orderSeq, random.nextInt(100) < 80 ? "1002" : "1003"));
    }

    /** The catalogue's sku for an item id of the logs (items 0..49 are skus 1..50). */
    static long skuOf(int itemid) {
        return itemid + 1L;
    }

    private ObjectNode startup(Device d, String uid, long ts) {
        ObjectNode r = LogJson.MAPPER.valueToTree(StartupLog.of(uuid(), d.mid(), uid, d.os(), Profile.APPID, d.area(), d.ch(), d.vs(), ts));
        r.put(RUN_FIELD, runId);
        return r;
    }

    private ObjectNode event(Device d, String uid, long ts, String evid, int item) {
        int page = 1 + random.nextInt(Profile.PAGES);
        int next = 1 + random.nextInt(Profile.PAGES);
        ObjectNode r = LogJson.MAPPER.valueToTree(EventLog.of(uuid(), d.mid(), uid, d.os(), Profile.APPID, d.area(), d.ch(), d.vs(),
                ts, evid, page, next, item));
        r.put(RUN_FIELD, runId);
        return r;
    }

    /** Sends a record at {@code at}, with the injected cases drawn for it. */
    private void log(long at, ObjectNode record) {
        if (random.nextDouble() < config.lateFraction()) {
            long lateness = 60_000 + (long) (random.nextDouble() * (config.lateMax().toMillis() - 60_000));
            record.put("ts", at - lateness);
            push(new Action.SendLog(at, record, Action.Kind.LATE));
        } else {
            push(new Action.SendLog(at, record, Action.Kind.NORMAL));
        }
        if (random.nextDouble() < config.duplicateFraction()) {
            push(new Action.SendLog(at + 1000 + random.nextInt(9_000), record.deepCopy(), Action.Kind.DUPLICATE));
        }
        if (random.nextDouble() < config.invalidFraction()) {
            push(new Action.SendLog(at, Malformed.of(record, random), Action.Kind.INVALID));
        }
    }

    /**
     * The run's last record, sent when the run ends with a client time {@code closeWindows} later: what moves
     * an event-time watermark past the run's windows. An item favourite on a device of its own, so it counts
     * towards no alert and no active device.
     */
    private void closeWindows() {
        if (!config.closeWindows().isZero() && end != Long.MAX_VALUE) {
            Device d = device(config.devicePrefix() + "closer", 0);
            // After every other action, also those due at the same last instant.
            queue.add(new Pending(new Action.SendLog(end + GRACE_MS, event(d, Integer.toString(config.firstUser()), end + config.closeWindows().toMillis(), "addFavor",
                    random.nextInt(Profile.ITEMS)), Action.Kind.NORMAL), Long.MAX_VALUE));
        }
    }

    /**
     * Coupon abuse on devices of their own: {@link #ABUSE_USERS} or more users start the app and claim
     * coupons within the alert window, and the device clicks no item.
     */
    private void injectAbuse() {
        long span = end == Long.MAX_VALUE ? (long) (config.count() / config.rate() * 1000 * config.speed()) : end - config.start().toEpochMilli();
        for (int k = 1; k <= config.abuseDevices(); k++) {
            long from = config.start().toEpochMilli() + (long) (random.nextDouble() * Math.max(0, span - ABUSE_WINDOW_MS));
            Device d = device(config.devicePrefix() + "abuse_" + k, -k);
            int users = ABUSE_USERS + random.nextInt(2);
            List<String> uids = new ArrayList<>();
            List<String> claims = new ArrayList<>();
            long firstClaim = 0;
            long lastClaim = 0;
            long t = from;
            for (int u = 0; u < users; u++) {
                String uid = Integer.toString(config.firstUser() + random.nextInt(config.users()));
                while (uids.contains(uid) && config.users() >= users) {
                    uid = Integer.toString(1 + random.nextInt(config.users()));
                }
                uids.add(uid);
                push(new Action.SendLog(t, startup(d, uid, t), Action.Kind.ABUSE));
                t += 5_000 + random.nextInt(20_000);
                ObjectNode claim = event(d, uid, t, "coupon", random.nextInt(Profile.ITEMS));
                claims.add(claim.get("event_id").asText());
                firstClaim = u == 0 ? t : firstClaim;
                lastClaim = t;
                push(new Action.SendLog(t, claim, Action.Kind.ABUSE));
                t += 5_000 + random.nextInt(20_000);
            }
            abuse.add(new AbuseWindow(d.mid(), List.copyOf(uids), firstClaim, lastClaim, List.copyOf(claims)));
        }
    }
}
