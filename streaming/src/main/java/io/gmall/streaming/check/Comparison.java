package io.gmall.streaming.check;

import io.gmall.streaming.time.BusinessTime;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** The ledgers' truth against what a reader observes: one table of metric, day, hour, truth, observed, difference. */
final class Comparison {

    /** One line of the report. */
    record Line(String metric, String day, String hour, String truth, String store, String difference) {
        boolean differs() {
            return !difference.equals("0");
        }
    }

    private Comparison() {
    }

    /** Re-reads until nothing differs or the wait is over (the stream lags a little behind the mock), then prints; true when all agree. */
    static boolean await(Truth truth, String observedName, int waitSeconds, Callable<List<Line>> compare, PrintStream out) throws Exception {
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        List<Line> lines = compare.call();
        while (lines.stream().anyMatch(Line::differs) && System.nanoTime() < deadline) {
            Thread.sleep(5000);
            lines = compare.call();
        }
        out.printf("judged against %d ledger(s)%n", truth.ledgers.size());
        out.printf("%-20s %-10s %-4s %14s %14s %12s%n", "metric", "day", "hour", "truth", observedName, "difference");
        for (Line l : lines) {
            out.printf("%-20s %-10s %-4s %14s %14s %12s%n", l.metric(), l.day(), l.hour(), l.truth(), l.store(), l.difference());
        }
        long differing = lines.stream().filter(Line::differs).count();
        out.println(differing == 0 ? "every " + observedName + " figure agrees with the ledgers" : differing + " line(s) DIFFER from the ledgers");
        return differing == 0;
    }

    static List<Line> lines(Truth truth, Observed observed, Duration window) {
        List<Line> lines = new ArrayList<>();
        for (String dt : truth.dau.keySet()) {
            hourly(lines, "dau", dt, decimals(truth.dau.get(dt)), observed.hours().of("dau", dt));
            hourly(lines, "new_mid", dt, decimals(truth.newMid.get(dt)), observed.hours().of("new_mid", dt));
        }
        for (String dt : truth.orderCount.keySet()) {
            hourly(lines, "order_count", dt, decimals(truth.orderCount.get(dt)), observed.hours().of("order_count", dt));
            hourly(lines, "order_amount", dt, truth.orderAmount.get(dt), observed.hours().of("order_amount", dt));
        }
        alerts(lines, truth, observed.alerts(), window);
        sale(lines, truth, observed.sale());
        return lines;
    }

    private static BigDecimal[] decimals(long[] counts) {
        BigDecimal[] out = new BigDecimal[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = BigDecimal.valueOf(counts[i]);
        }
        return out;
    }

    /** The day's total, then each hour that differs; skipped when the reader cannot show the metric. */
    private static void hourly(List<Line> lines, String metric, String dt, BigDecimal[] truth, Map<String, String> observed) {
        if (observed == null) {
            return;
        }
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal seen = BigDecimal.ZERO;
        List<Line> hours = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            String hh = BusinessTime.HOURS.get(h);
            BigDecimal s = new BigDecimal(observed.getOrDefault(hh, "0"));
            total = total.add(truth[h]);
            seen = seen.add(s);
            if (s.compareTo(truth[h]) != 0) {
                hours.add(new Line(metric, dt, hh, truth[h].toPlainString(), s.toPlainString(), s.subtract(truth[h]).toPlainString()));
            }
        }
        lines.add(new Line(metric, dt, "", total.toPlainString(), seen.toPlainString(),
                seen.compareTo(total) == 0 ? "0" : seen.subtract(total).toPlainString()));
        lines.addAll(hours);
    }

    private static void alerts(List<Line> lines, Truth truth, Map<String, String> found, Duration window) {
        Map<String, long[]> byDay = new TreeMap<>();
        Map<String, Long> excused = new TreeMap<>();
        truth.alerts.forEach((key, a) -> {
            if (a.excused()) {
                excused.merge(a.dt(), 1L, Long::sum);
            } else {
                long[] c = byDay.computeIfAbsent(a.dt(), d -> new long[2]);
                c[0]++;
                if (found.containsKey(key)) {
                    c[1]++;
                }
            }
        });
        found.forEach((key, dt) -> {
            String[] parts = key.split("\\|");
            long end = Long.parseLong(parts[parts.length - 1]);
            String mid = key.substring(0, key.length() - parts[parts.length - 1].length() - 1);
            if (!truth.alerts.containsKey(key) && !truth.excused(mid, end, window) && truth.dau.containsKey(dt)) {
                byDay.computeIfAbsent(dt, d -> new long[2])[1]++;
            }
        });
        byDay.forEach((dt, c) -> lines.add(new Line("alerts", dt, "", Long.toString(c[0]), Long.toString(c[1]), Long.toString(c[1] - c[0]))));
        // Windows holding events that came later than the watermark: the stream may or may not alert; shown, not judged.
        excused.forEach((dt, n) -> lines.add(new Line("alerts_excused", dt, "", Long.toString(n), "-", "0")));
    }

    private static void sale(List<Line> lines, Truth truth, Map<String, Observed.SaleDoc> docs) {
        Map<String, long[]> byDay = new TreeMap<>();
        for (Truth.SaleDetail d : truth.sale.values()) {
            long[] c = byDay.computeIfAbsent(d.dt(), k -> new long[3]);
            c[0]++;
            Observed.SaleDoc r = docs.get(d.id());
            if (r != null) {
                c[1]++;
                boolean same = Objects.equals(d.orderStatus(), r.orderStatus()) && Objects.equals(d.userGender(), r.userGender())
                        && Objects.equals(d.userAge(), r.userAge()) && Objects.equals(d.userLevel(), r.userLevel())
                        && d.skuNum() == r.skuNum() && d.skuPrice().doubleValue() == r.skuPrice();
                if (!same) {
                    c[2]++;
                }
            }
        }
        byDay.forEach((dt, c) -> {
            lines.add(new Line("sale_detail", dt, "", Long.toString(c[0]), Long.toString(c[1]), Long.toString(c[1] - c[0])));
            lines.add(new Line("sale_detail_fields", dt, "", "0", Long.toString(c[2]), Long.toString(c[2])));
        });
    }
}
