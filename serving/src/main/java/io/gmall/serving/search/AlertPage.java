package io.gmall.serving.search;

import java.util.List;
import java.util.Map;

/** The answer of {@code /alerts}: the day's alert count and one page of them, newest first. */
public record AlertPage(long total, int startpage, int size, List<Map<String, Object>> alerts) {
}
