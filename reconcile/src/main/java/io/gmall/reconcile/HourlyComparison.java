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
     * found, and how many things a correction changes there: a cell (1), or documents missing, extra or different,
     * which can be some although the counts agree.
     */
    public record Line(String metric, String hour, BigDecimal realtime, BigDecimal recomputed, long mismatched) {
        public BigDecimal difference() {
            return realtime == null ? recomputed : recomputed.subtract(realtime);
        }

        public boolean differs() {
            return mismatched > 0;
        }
    }

    private HourlyComparison() {
    }

    /** The cells of a day's row that hold {@code metrics}: each metric's cell of each hour. */
    public static List<String> cells(List<Metric> metrics) {
        List<String> cells = new ArrayList<>();
        for (Metric m : metrics) {
            for (String hh : BusinessTime.HOURS) {
                cells.add(m.cellPrefix() + hh);
            }
        }
        return cells;
    }

    public static List<Line> compare(List<Metric> metrics, Map<String, String> realtime, Map<String, String> recomputed) {
        List<Line> lines = new ArrayList<>();
        for (Metric m : metrics) {
            for (String hh : BusinessTime.HOURS) {
                String cell = m.cellPrefix() + hh;
                BigDecimal was = number(realtime.get(cell));
                BigDecimal is = number(recomputed.get(cell));
                lines.add(new Line(m.name(), hh, was, is, was == null || was.compareTo(is) != 0 ? 1 : 0));
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
