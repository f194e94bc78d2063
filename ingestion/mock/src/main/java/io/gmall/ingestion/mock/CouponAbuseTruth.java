package io.gmall.ingestion.mock;

import io.gmall.ingestion.contract.LogFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coupon-abuse alert rule, written once more in plain Java so the ledger can judge the streaming
 * query instead of repeating it: in event-time windows of {@link #WINDOW_MS} sliding by
 * {@link #SLIDE_MS}, starting at whole minutes of epoch time and covering {@code [start, start + 5 min)},
 * a device on which at least {@link #MIN_USERS} distinct users claimed a coupon and no item was clicked
 * raises one alert per window.
 */
final class CouponAbuseTruth {

    static final long WINDOW_MS = 5 * 60_000;
    static final long SLIDE_MS = 60_000;
    static final int MIN_USERS = 3;

    /** An accepted event the rule looks at (a coupon claim or an item click), counted once per event_id. */
    record Activity(String mid, String uid, long ts, String evid) {
    }

    /** @param uids the claiming users, sorted as text */
    record Alert(String mid, long windowStart, long windowEnd, List<String> uids) {
    }

    private CouponAbuseTruth() {
    }

    /** Whether the rule looks at events of this kind: other events neither raise nor prevent an alert. */
    static boolean concerns(String evid) {
        return LogFields.EVID_COUPON.equals(evid) || LogFields.EVID_CLICK_ITEM.equals(evid);
    }

    /** Every alert the activities raise, by device and window start. */
    static List<Alert> alerts(Collection<Activity> activities) {
        Map<String, List<Activity>> byDevice = new TreeMap<>();
        for (Activity a : activities) {
            if (concerns(a.evid())) {
                byDevice.computeIfAbsent(a.mid(), m -> new ArrayList<>()).add(a);
            }
        }
        List<Alert> alerts = new ArrayList<>();
        byDevice.forEach((mid, list) -> alerts.addAll(alertsOfDevice(mid, list)));
        return alerts;
    }

    private static List<Alert> alertsOfDevice(String mid, List<Activity> activities) {
        List<Activity> claims = activities.stream().filter(a -> a.evid().equals(LogFields.EVID_COUPON))
                .sorted(Comparator.comparingLong(Activity::ts)).toList();
        long[] clicks = activities.stream().filter(a -> a.evid().equals(LogFields.EVID_CLICK_ITEM)).mapToLong(Activity::ts).sorted().toArray();
        // Only windows holding a claim can alert: the WINDOW_MS / SLIDE_MS windows around each claim.
        TreeSet<Long> starts = new TreeSet<>();
        for (Activity claim : claims) {
            long last = Math.floorDiv(claim.ts(), SLIDE_MS) * SLIDE_MS;
            for (long start = last; start > claim.ts() - WINDOW_MS; start -= SLIDE_MS) {
                starts.add(start);
            }
        }
        long[] claimTimes = claims.stream().mapToLong(Activity::ts).toArray();
        List<Alert> alerts = new ArrayList<>();
        for (long start : starts) {
            long end = start + WINDOW_MS;
            if (firstAtOrAfter(clicks, start) < firstAtOrAfter(clicks, end)) {
                continue;
            }
            TreeSet<String> uids = new TreeSet<>();
            for (int i = firstAtOrAfter(claimTimes, start); i < claimTimes.length && claimTimes[i] < end; i++) {
                uids.add(claims.get(i).uid());
            }
            if (uids.size() >= MIN_USERS) {
                alerts.add(new Alert(mid, start, end, List.copyOf(uids)));
            }
        }
        return alerts;
    }

    /** The index of the first time at or after {@code t} in sorted {@code times} ({@code times.length} if none). */
    private static int firstAtOrAfter(long[] times, long t) {
        int lo = 0;
        int hi = times.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
