package io.gmall.serving.search;

import java.time.LocalDate;

/** Searches one business day of joined order details. */
public interface SaleSearch {

    /**
     * The details of {@code day} whose sku name holds every word of {@code keyword} (all of the day when
     * null), page {@code page} (1-based) of {@code size} rows, with the gender and age-band shares of all the
     * matching rows, computed by the same search.
     */
    SaleDetail search(LocalDate day, String keyword, int page, int size);
}
