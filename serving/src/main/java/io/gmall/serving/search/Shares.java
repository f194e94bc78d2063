package io.gmall.serving.search;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Percentages with one decimal that add up to exactly 100.0 (largest remainder), so a pie's slices agree with its whole. */
public final class Shares {

    private Shares() {
    }

    /** Counts by name, in order → percentage by name; all 0.0 when the counts sum to 0. */
    public static Map<String, BigDecimal> of(Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        if (total == 0) {
            counts.keySet().forEach(k -> out.put(k, BigDecimal.ZERO.setScale(1)));
            return out;
        }
        // In tenths of a percent: floor of each share, then the tenths left over to the largest remainders.
        Map<String, Long> tenths = new LinkedHashMap<>();
        List<Map.Entry<String, Long>> remainders = new ArrayList<>();
        long given = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            long scaled = e.getValue() * 1000;
            tenths.put(e.getKey(), scaled / total);
            remainders.add(Map.entry(e.getKey(), scaled % total));
            given += scaled / total;
        }
        remainders.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        for (int i = 0; given < 1000; i++, given++) {
            tenths.merge(remainders.get(i).getKey(), 1L, Long::sum);
        }
        tenths.forEach((k, v) -> out.put(k, BigDecimal.valueOf(v, 1)));
        return out;
    }
}
