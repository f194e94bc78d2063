package io.gmall.serving.search;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The answer of {@code /sale_detail}: the matching rows' count, the gender and age-band shares, one page of rows. */
public record SaleDetail(long total, List<Stat> stat, List<Map<String, Object>> detail) {

    /** A pie: its title and its slices. */
    public record Stat(String title, List<Option> options) {
    }

    public record Option(String name, BigDecimal value) {
    }
}
