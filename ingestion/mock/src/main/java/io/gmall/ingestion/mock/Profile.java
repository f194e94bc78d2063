package io.gmall.ingestion.mock;

import static java.util.Map.entry;

import java.util.LinkedHashMap;
import java.util.Map;

/** The seed system's distributions (DESIGN.md), the defaults of every simulated session. */
final class Profile {

    static final Weighted<String> OS = Weighted.of(entry("ios", 3), entry("android", 7));
    static final Weighted<String> AREA = Weighted.of(entry("beijing", 10), entry("shanghai", 10), entry("guangdong", 20),
            entry("hebei", 5), entry("heilongjiang", 5), entry("shandong", 5), entry("tianjin", 5), entry("shaanxi", 5),
            entry("shanxi", 5), entry("sichuan", 5));
    static final Weighted<String> ANDROID_CHANNEL = Weighted.of(entry("xiaomi", 10), entry("huawei", 20), entry("wandoujia", 30),
            entry("360", 20), entry("tencent", 20), entry("baidu", 10), entry("website", 10));
    static final String IOS_CHANNEL = "appstore";
    static final Weighted<String> VERSION = Weighted.of(entry("1.2.0", 50), entry("1.1.3", 30), entry("1.1.2", 15), entry("1.1.1", 5));
    static final String APPID = "gmall";
    /** A session ends after each event with this chance: 4 events on average. */
    static final double QUIT_CHANCE = 0.2;
    static final int PAGES = 50;
    static final int ITEMS = 50;

    /** The seed's event weights plus coupon at the configured share (percent of all events). */
    static Weighted<String> events(int couponPercent) {
        Map<String, Integer> w = new LinkedHashMap<>();
        int rest = 100 - couponPercent;
        w.put("clickItem", 40 * rest);
        w.put("addComment", 30 * rest);
        w.put("addCart", 20 * rest);
        w.put("addFavor", 10 * rest);
        w.put("coupon", 100 * couponPercent);
        return Weighted.of(w);
    }

    private Profile() {
    }
}
