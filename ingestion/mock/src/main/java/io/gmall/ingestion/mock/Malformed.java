package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/** Invalid copies of good records, as buggy clients send them: each one the collector must refuse. */
final class Malformed {

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
            default -> bad.put("ts", good.get("ts").asLong() + 3L * 24 * 3_600_000);
        }
        return bad;
    }
}
