package io.gmall.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A past business day for a test's mock runs that no ledger under {@code var/mock} (any test's, the demo's)
 * has used, nor the day after it: the stores' figures of that day are then the test's alone, and all runs of
 * it since the last clean are judged together. It is also later than every day the test's own earlier runs
 * used: simulated time, like real time, only moves forward, or an order would meet user versions of a later
 * time than its own.
 */
final class PastDays {

    private static final Pattern DAY_KEYS = Pattern.compile("\"(\\d{4}-\\d{2}-\\d{2})\"\\s*:\\s*\\{");

    private PastDays() {
    }

    /** A day 3 to 27 days back (the collector refuses client times a month old), newest first; {@code own} is under {@code ledgers}. */
    static String unused(Path ledgers, Path own, ZoneId zone) throws IOException {
        Set<String> used = daysIn(ledgers);
        TreeSet<String> ownDays = daysIn(own);
        LocalDate today = LocalDate.now(zone);
        for (int back = 3; back <= 27; back++) {
            String d = today.minusDays(back).toString();
            if (!used.contains(d) && !used.contains(today.minusDays(back - 1).toString()) && (ownDays.isEmpty() || d.compareTo(ownDays.last()) > 0)) {
                return d;
            }
        }
        throw new IllegalStateException("no day of the last month is free and later than this test's earlier runs: ./gmall clean the stack");
    }

    private static TreeSet<String> daysIn(Path ledgers) throws IOException {
        TreeSet<String> days = new TreeSet<>();
        if (Files.isDirectory(ledgers)) {
            try (Stream<Path> files = Files.walk(ledgers)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                    Matcher m = DAY_KEYS.matcher(Files.readString(f));
                    while (m.find()) {
                        days.add(m.group(1));
                    }
                }
            }
        }
        return days;
    }
}
