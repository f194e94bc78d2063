package io.gmall.ingestion.mock;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * One mock run, checked as a whole (every problem reported together).
 *
 * @param rate              log records per wall-clock second, on average
 * @param duration          wall-clock length of the run (null when {@code count} bounds it)
 * @param count             log records to generate (0 when {@code duration} bounds it)
 * @param start             the simulated clock's start
 * @param speed             simulated seconds per wall-clock second (1 = live; 720 replays a day in 2 minutes)
 * @param couponPercent     share of coupon claims among events, in percent
 * @param abuseDevices      devices on which coupon abuse is injected
 * @param lateFraction      share of records sent with an old client time
 * @param lateMax           the oldest a late record's time can be
 * @param duplicateFraction share of records sent twice with the same event_id
 * @param invalidFraction   share of extra, malformed records
 * @param buyPercent        share of sessions with a cart add that place an order
 * @param devicePrefix      devices are named {@code <prefix><n>} (abuse devices {@code <prefix>abuse_<n>})
 * @param firstUser         users are {@code firstUser .. firstUser + users - 1}: runs with users of their own never meet
 *                          another run's profile updates
 * @param closeWindows      when positive, the run ends with one event this long after the simulated end, so an
 *                          event-time watermark passes every window of the run and its alerts can be judged
 */
record MockConfig(long seed, double rate, Duration duration, long count, int users, int devices, Instant start, double speed,
                  int batchSize, int couponPercent, int abuseDevices, double lateFraction, Duration lateMax,
                  double duplicateFraction, double invalidFraction, int buyPercent, ZoneId zone, String devicePrefix,
                  Duration closeWindows, int firstUser) {

    MockConfig {
        List<String> problems = new ArrayList<>();
        if (rate <= 0 || rate > 100_000) {
            problems.add("--rate must be in (0, 100000] records/s, not " + rate);
        }
        if ((duration == null) == (count <= 0)) {
            problems.add("give exactly one of --minutes / --seconds and --count");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            problems.add("the duration must be positive");
        }
        if (users < 1 || devices < 1) {
            problems.add("--users and --devices must be at least 1");
        }
        if (speed <= 0 || speed > 100_000) {
            problems.add("--speed must be in (0, 100000], not " + speed);
        }
        if (batchSize < 1 || batchSize > 1000) {
            problems.add("--batch-size must be in 1..1000 (the collector takes at most 1000 records a request), not " + batchSize);
        }
        if (couponPercent < 0 || couponPercent > 100 || buyPercent < 0 || buyPercent > 100) {
            problems.add("--coupon-percent and --buy-percent are percentages");
        }
        if (abuseDevices < 0) {
            problems.add("--abuse-devices must not be negative");
        }
        for (double f : new double[] {lateFraction, duplicateFraction, invalidFraction}) {
            if (f < 0 || f > 0.5) {
                problems.add("--late, --duplicates and --invalid are fractions in 0..0.5, not " + f);
            }
        }
        if (lateMax.compareTo(Duration.ofMinutes(2)) < 0 || lateMax.compareTo(Duration.ofDays(29)) > 0) {
            problems.add("--late-max-minutes must be between 2 minutes and 29 days");
        }
        if (devicePrefix == null || !devicePrefix.matches("[A-Za-z0-9_.-]{1,32}")) {
            problems.add("--device-prefix must be 1 to 32 letters, digits, '_', '.' or '-', not " + devicePrefix);
        }
        if (firstUser < 1 || (long) firstUser + users > 1_000_000_000L) {
            problems.add("--first-user must be at least 1, with the last user below 1000000000, not " + firstUser);
        }
        if (closeWindows.isNegative() || closeWindows.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("--close-windows-minutes must be in 0..60, not " + closeWindows.toMinutes());
        }
        if (!closeWindows.isZero() && duration == null) {
            problems.add("--close-windows-minutes needs a duration (--minutes or --seconds), not --count");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The simulated instant at which no new session starts. */
    Instant simulatedEnd() {
        return duration == null ? Instant.MAX : start.plusMillis((long) (duration.toMillis() * speed));
    }
}
