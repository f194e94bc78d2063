package io.gmall.ingestion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmall.ingestion.mock.CouponAbuseTruth.Activity;
import io.gmall.ingestion.mock.CouponAbuseTruth.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CouponAbuseTruthTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static Activity claim(String mid, String uid, String instant) {
        return new Activity(mid, uid, at(instant), "coupon");
    }

    private static Activity click(String mid, String instant) {
        return new Activity(mid, "9", at(instant), "clickItem");
    }

    private static List<Activity> threeClaimsWithinOneMinute(String mid) {
        return List.of(claim(mid, "1", "2026-11-24T10:00:10Z"), claim(mid, "2", "2026-11-24T10:00:20Z"), claim(mid, "3", "2026-11-24T10:00:30Z"));
    }

    @Test
    void threeUsersWithoutClicksRaiseAnAlertInEachOfTheFiveWindowsHoldingTheClaims() {
        List<Alert> alerts = CouponAbuseTruth.alerts(threeClaimsWithinOneMinute("mid_7"));

        assertThat(alerts).extracting(Alert::windowStart).containsExactly(at("2026-11-24T09:56:00Z"), at("2026-11-24T09:57:00Z"),
                at("2026-11-24T09:58:00Z"), at("2026-11-24T09:59:00Z"), at("2026-11-24T10:00:00Z"));
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.mid()).isEqualTo("mid_7");
            assertThat(a.windowEnd() - a.windowStart()).isEqualTo(5 * 60_000);
            assertThat(a.uids()).containsExactly("1", "2", "3");
        });
    }

    @Test
    void aClickOnTheDeviceSuppressesTheWindowsItFallsIn() {
        List<Activity> withClick = new ArrayList<>(threeClaimsWithinOneMinute("mid_7"));
        withClick.add(click("mid_7", "2026-11-24T09:59:59Z"));

        assertThat(CouponAbuseTruth.alerts(withClick)).extracting(Alert::windowStart).containsExactly(at("2026-11-24T10:00:00Z"));
    }

    @Test
    void aClickInsideEveryWindowSuppressesThemAll() {
        List<Activity> withClick = new ArrayList<>(threeClaimsWithinOneMinute("mid_7"));
        withClick.add(click("mid_7", "2026-11-24T10:00:15Z"));

        assertThat(CouponAbuseTruth.alerts(withClick)).isEmpty();
    }

    @Test
    void aClickOnAnotherDeviceChangesNothing() {
        List<Activity> withClick = new ArrayList<>(threeClaimsWithinOneMinute("mid_7"));
        withClick.add(click("mid_8", "2026-11-24T10:00:15Z"));

        assertThat(CouponAbuseTruth.alerts(withClick)).hasSize(5);
    }

    @Test
    void twoUsersAreNotEnoughHoweverOftenTheyClaim() {
        List<Activity> twoUsers = List.of(claim("mid_7", "1", "2026-11-24T10:00:10Z"), claim("mid_7", "2", "2026-11-24T10:00:20Z"),
                claim("mid_7", "1", "2026-11-24T10:00:30Z"), claim("mid_7", "2", "2026-11-24T10:00:40Z"));

        assertThat(CouponAbuseTruth.alerts(twoUsers)).isEmpty();
    }

    @Test
    void claimsOnDifferentDevicesDoNotAddUp() {
        List<Activity> spread = List.of(claim("mid_7", "1", "2026-11-24T10:00:10Z"), claim("mid_7", "2", "2026-11-24T10:00:20Z"),
                claim("mid_8", "3", "2026-11-24T10:00:30Z"));

        assertThat(CouponAbuseTruth.alerts(spread)).isEmpty();
    }

    @Test
    void aWindowEndsJustBeforeFiveMinutesAfterItsStart() {
        List<Activity> exactlyFiveMinutes = List.of(claim("mid_7", "1", "2026-11-24T10:00:00Z"), claim("mid_7", "2", "2026-11-24T10:02:00Z"),
                claim("mid_7", "3", "2026-11-24T10:05:00Z"));
        List<Activity> justUnder = List.of(claim("mid_7", "1", "2026-11-24T10:00:00Z"), claim("mid_7", "2", "2026-11-24T10:02:00Z"),
                claim("mid_7", "3", "2026-11-24T10:04:59.999Z"));

        assertThat(CouponAbuseTruth.alerts(exactlyFiveMinutes)).isEmpty();
        assertThat(CouponAbuseTruth.alerts(justUnder)).containsExactly(
                new Alert("mid_7", at("2026-11-24T10:00:00Z"), at("2026-11-24T10:05:00Z"), List.of("1", "2", "3")));
    }

    @Test
    void aClickAtTheWindowsEndBelongsToTheNextWindow() {
        List<Activity> activities = List.of(claim("mid_7", "1", "2026-11-24T10:00:00Z"), claim("mid_7", "2", "2026-11-24T10:02:00Z"),
                claim("mid_7", "3", "2026-11-24T10:04:59.999Z"), click("mid_7", "2026-11-24T10:05:00Z"));

        assertThat(CouponAbuseTruth.alerts(activities)).hasSize(1);
    }

    @Test
    void usersAreListedOnceSortedAsText() {
        List<Activity> activities = List.of(claim("mid_7", "20", "2026-11-24T10:00:10Z"), claim("mid_7", "3", "2026-11-24T10:00:20Z"),
                claim("mid_7", "100", "2026-11-24T10:00:30Z"), claim("mid_7", "3", "2026-11-24T10:00:40Z"));

        assertThat(CouponAbuseTruth.alerts(activities)).as("the five windows that hold every claim").hasSize(5).allSatisfy(a -> assertThat(a.uids()).containsExactly("100", "20", "3"));
    }
}
