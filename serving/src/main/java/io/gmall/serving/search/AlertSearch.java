package io.gmall.serving.search;

import java.time.LocalDate;

/** Searches one business day of coupon-abuse alerts. */
public interface AlertSearch {

    /** Page {@code page} (1-based) of {@code size} alerts of {@code day}, newest first. */
    AlertPage search(LocalDate day, int page, int size);
}
