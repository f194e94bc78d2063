package io.gmall.reconcile;

import io.gmall.streaming.time.BusinessTime;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One day's hourly row of a realtime table against its recomputed row, cell by cell: one line per metric and
 * hour, numbers compared by value ({@code 20.0} equals {@code 20.00}; a missing cell is 0, as the API reads it; a cell
 * that is not a number always differs).
 */
public final class HourlyComparison {

    /** A metric of an hourly row: its name in the audit and the prefix of its hourly cells ({@code dau} → {@code dau_HH}). */
    public record Metric(String name, String cellPrefix) {
    }

    /**
     * One metric and hour: what the realtime store holds (null when its cell is not a number), what the recompute
     * found, and their difference.
     */
    public record Line(String metric, String hour, BigDecimal realtime, BigDecimal recomputed) {
        public BigDecimal difference() {
            return realtime == null ? recomputed : recomputed.subtract(realtime);
        }

        public boolean differs() {
            return realtime == null || difference().signum() != 0;
        }
    }

    private HourlyComparison() {
    }

    public static List<Line> compare(List<Metric> metrics, Map<String, String> realtime, Map<String, String> recomputed) {
        List<Line> lines = new ArrayList<>();
        for (Metric m : metrics) {
            for (String hh : BusinessTime.HOURS) {
                String cell = m.cellPrefix() + hh;
                lines.add(new Line(m.name(), hh, number(realtime.get(cell)), number(recomputed.get(cell))));
            }
        }
        return lines;
    }

    private static BigDecimal number(String cell) {
        if (cell == null || cell.isBlank()) {
            return BigDecimal.ZERO;
        }
        try {
            return new BigDecimal(cell.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
