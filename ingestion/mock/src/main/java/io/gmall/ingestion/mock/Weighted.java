package io.gmall.ingestion.mock;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A weighted choice among values, drawn from the simulation's seeded random source. */
final class Weighted<T> {

    private final List<T> values = new ArrayList<>();
    private final List<Integer> cumulative = new ArrayList<>();
    private int total;

    @SafeVarargs
    static <T> Weighted<T> of(Map.Entry<T, Integer>... entries) {
        Map<T, Integer> map = new LinkedHashMap<>();
        for (Map.Entry<T, Integer> e : entries) {
            map.put(e.getKey(), e.getValue());
        }
        return of(map);
    }

    static <T> Weighted<T> of(Map<T, Integer> weights) {
        Weighted<T> w = new Weighted<>();
        weights.forEach((value, weight) -> {
            if (weight < 0) {
                throw new IllegalArgumentException("negative weight for " + value);
            }
            if (weight > 0) {
                w.total += weight;
                w.values.add(value);
                w.cumulative.add(w.total);
            }
        });
        if (w.total == 0) {
            throw new IllegalArgumentException("no value has a positive weight");
        }
        return w;
    }

    T draw(SplittableRandom random) {
        int r = random.nextInt(total);
        for (int i = 0; i < values.size(); i++) {
            if (r < cumulative.get(i)) {
                return values.get(i);
            }
        }
        throw new IllegalStateException("unreachable");
    }
}
