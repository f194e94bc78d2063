package io.gmall.serving.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SharesTest {

    private static Map<String, Long> counts(long... values) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put("k" + i, values[i]);
        }
        return m;
    }

    @Test
    void thirdsAddUpToExactlyAHundred() {
        assertThat(Shares.of(counts(1, 1, 1)).values()).containsExactly(new BigDecimal("33.4"), new BigDecimal("33.3"), new BigDecimal("33.3"));
    }

    @Test
    void exactSharesAreKept() {
        assertThat(Shares.of(counts(1, 3)).values()).containsExactly(new BigDecimal("25.0"), new BigDecimal("75.0"));
        assertThat(Shares.of(counts(0, 7)).values()).containsExactly(new BigDecimal("0.0"), new BigDecimal("100.0"));
    }

    @Test
    void noRowsGiveZeroesNotADivisionByZero() {
        assertThat(Shares.of(counts(0, 0)).values()).containsExactly(new BigDecimal("0.0"), new BigDecimal("0.0"));
    }

    @Test
    void anyCountsAddUpToAHundredAndStayWithinATenthOfTheirShare() {
        Random random = new Random(42);
        for (int run = 0; run < 2000; run++) {
            long[] values = new long[1 + random.nextInt(6)];
            long total = 0;
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(random.nextBoolean() ? 10 : 100_000);
                total += values[i];
            }
            if (total == 0) {
                continue;
            }
            Map<String, BigDecimal> shares = Shares.of(counts(values));
            assertThat(shares.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("100.0");
            int i = 0;
            for (BigDecimal share : shares.values()) {
                double exact = 100.0 * values[i++] / total;
                assertThat(Math.abs(share.doubleValue() - exact)).isLessThan(0.1 + 1e-9);
            }
        }
    }
}
