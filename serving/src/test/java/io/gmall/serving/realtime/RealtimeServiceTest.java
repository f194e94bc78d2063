package io.gmall.serving.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmall.serving.ServingProperties;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RealtimeServiceTest {

    private static ServingProperties properties(Duration cache) {
        return new ServingProperties(new ServingProperties.Hbase("127.0.0.1", 12181, "gmall", Duration.ofSeconds(3)),
                new ServingProperties.Es("s", "a", "r"), ZoneId.of("Asia/Shanghai"), cache, 100, 10_000, 100);
    }

    @Test
    void rowsAreServedFromMemoryWithinTheCacheTimeAndReadInOneMultiGetPerTable() {
        AtomicInteger reads = new AtomicInteger();
        Map<String, Map<String, String>> cells = new LinkedHashMap<>();
        cells.put("2026-11-24", Map.of("dau_09", "4", "dau", "4"));
        RowReader reader = (table, keys) -> {
            reads.incrementAndGet();
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            keys.forEach(k -> out.put(k, cells.getOrDefault(k, Map.of())));
            return out;
        };
        RealtimeService cached = new RealtimeService(reader, properties(Duration.ofMinutes(1)));
        cached.hours(Metric.DAU, LocalDate.parse("2026-11-24"));
        assertThat(reads.get()).as("today and yesterday in one read").isEqualTo(1);
        cells.put("2026-11-24", Map.of("dau_09", "5", "dau", "5"));
        assertThat(cached.hours(Metric.DAU, LocalDate.parse("2026-11-24")).get("today").get("09")).isEqualTo(4L);
        assertThat(reads.get()).isEqualTo(1);

        RealtimeService uncached = new RealtimeService(reader, properties(Duration.ZERO));
        assertThat(uncached.hours(Metric.DAU, LocalDate.parse("2026-11-24")).get("today").get("09")).isEqualTo(5L);
        assertThat(uncached.total(LocalDate.parse("2026-11-24"))).extracting(RealtimeService.Figure::value).containsExactly(5L, 0L,
                new java.math.BigDecimal("0.00"));
    }
}
