package io.gmall.streaming.time

import java.time.{Instant, ZoneId}

import org.apache.spark.SparkConf
import org.apache.spark.sql.execution.streaming.MemoryStream
import org.apache.spark.sql.internal.SQLConf
import org.apache.spark.sql.streaming.StreamTest

/** Buckets follow the business zone across midnight, whatever the Spark session's own zone is. */
class BusinessTimeSuite extends StreamTest {

  import testImplicits._

  override protected def sparkConf: SparkConf = super.sparkConf.set("spark.ui.enabled", "false")

  private val shanghai = new BusinessTime(ZoneId.of("Asia/Shanghai"))

  private def millis(instant: String): Long = Instant.parse(instant).toEpochMilli

  test("the business day turns at midnight in the business zone, not in the session zone") {
    withSQLConf(SQLConf.SESSION_LOCAL_TIMEZONE.key -> "America/Los_Angeles") {
      val input = MemoryStream[Long]
      val buckets = shanghai.withBuckets(input.toDF().withColumnRenamed("value", "ts"), "ts")
        .select("ts", BusinessTime.DT, BusinessTime.HOUR)
      testStream(buckets)(
        AddData(input, millis("2026-11-24T15:59:59.999Z"), millis("2026-11-24T16:00:00Z")),
        CheckAnswer(
          (millis("2026-11-24T15:59:59.999Z"), "2026-11-24", "23"),
          (millis("2026-11-24T16:00:00Z"), "2026-11-25", "00")),
        StopStream,
        StartStream(),
        AddData(input, millis("2026-11-25T01:30:00Z")),
        CheckNewAnswer((millis("2026-11-25T01:30:00Z"), "2026-11-25", "09"))
      )
    }
  }

  test("a zone with daylight saving time keeps local hours") {
    val newYork = new BusinessTime(ZoneId.of("America/New_York"))
    // 2026-03-08 02:00 local does not exist: 06:59Z is 01:59 EST, 07:00Z is 03:00 EDT.
    assert(newYork.hour(millis("2026-03-08T06:59:00Z")) == "01")
    assert(newYork.hour(millis("2026-03-08T07:00:00Z")) == "03")
    assert(newYork.day(millis("2026-03-08T04:59:59Z")) == "2026-03-07")
  }

  test("day and hour agree with the zone's calendar for instants in any order, across midnights and clock changes") {
    val random = new scala.util.Random(7)
    for (zone <- Seq("Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")) {
      val time = new BusinessTime(ZoneId.of(zone))
      for (around <- Seq("2026-03-08T07:00:00Z", "2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z", "2026-11-01T06:00:00Z", "2026-11-24T16:00:00Z")) {
        var t = millis(around) - 3 * 3600 * 1000L
        for (_ <- 1 to 2000) {
          t += random.nextInt(12 * 60 * 1000) - 3 * 60 * 1000
          val local = Instant.ofEpochMilli(t).atZone(ZoneId.of(zone))
          assert(time.day(t) == local.toLocalDate.toString, s"$zone $local")
          assert(time.hour(t) == f"${local.getHour}%02d", s"$zone $local")
        }
      }
    }
  }

  test("event_time is the event's own instant") {
    val df = shanghai.withBuckets(Seq(millis("2026-11-24T16:00:00Z")).toDF("ts"), "ts")
    val eventTime = df.select(BusinessTime.EVENT_TIME).as[java.sql.Timestamp].head()
    assert(eventTime.toInstant == Instant.parse("2026-11-24T16:00:00Z"))
  }

  test("a missing time gives no bucket instead of failing the batch") {
    val df = shanghai.withBuckets(Seq(Option.empty[Long]).toDF("ts"), "ts")
    assert(df.select(BusinessTime.DT, BusinessTime.HOUR).head().toSeq == Seq(null, null))
  }
}
