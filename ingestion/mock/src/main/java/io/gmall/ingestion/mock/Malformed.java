package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/** Invalid copies of good records, as buggy clients send them: each one the collector must refuse. */
final class Malformed {

    /**
     * How far ahead a client time is moved to be in the future. More than a month: the simulated clock may lie up to
     * a month behind the collector's, and a record moved by less (it once was three days) lands in the past or the
     * present of the collector's clock, which accepts it as a good record of another day.
     */
    private static final long FUTURE_SHIFT_MS = 366L * 24 * 3_600_000;

    private Malformed() {
    }

    static ObjectNode of(ObjectNode good, SplittableRandom random) {
        ObjectNode bad = good.deepCopy();
        switch (random.nextInt(7)) {
            case 0 -> bad.remove("mid");
            case 1 -> bad.put("ts", "yesterday");
            case 2 -> bad.put("os", "symbian");
            case 3 -> bad.put("type", "display");
            case 4 -> bad.put("mid", "mid with spaces");
            case 5 -> bad.put("vs", "v1");
            default -> bad.put("ts", good.get("ts").asLong() + FUTURE_SHIFT_MS);
        }
        return bad;
    }
}
