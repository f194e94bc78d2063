package io.gmall.streaming.check

import java.time.Duration

import com.fasterxml.jackson.databind.ObjectMapper
import org.scalatest.funsuite.AnyFunSuite

/** Which late claims and clicks excuse their alert windows. */
class TruthSuite extends AnyFunSuite {

  private val json = new ObjectMapper()
  private val watermark = Duration.ofSeconds(120)
  private val sixHours = 6L * 3600 * 1000
  private def activity(ts: Long, lag: Long, eventLag: Long) =
    json.readTree(s"""{"mid":"m","ts":$ts,"lag_ms":$lag,"event_lag_ms":$eventLag}""")

  test("a past day replayed in order at real speed on a stream that has seen nothing newer is judged, not excused") {
    assert(!Truth.behindWatermark(activity(1000000L, sixHours, 0), 0L, 1, watermark))
  }

  test("events older than the stream's watermark at the run's start are excused, however in order the run is") {
    assert(Truth.behindWatermark(activity(1000000L, sixHours, 0), 5000000L, 1, watermark))
  }

  test("an event behind the run's own newest by more than the watermark delay is excused") {
    assert(Truth.behindWatermark(activity(1000000L, 200000, 200000), 0L, 1, watermark))
    assert(!Truth.behindWatermark(activity(1000000L, 200000, 60000), 0L, 1, watermark))
  }

  test("a sped-up run excuses what append-order skew of a few seconds makes late in event time") {
    assert(Truth.behindWatermark(activity(1000000L, sixHours, 0), 0L, 60, watermark))
    assert(!Truth.behindWatermark(activity(1000000L, sixHours, 0), 0L, 10, watermark))
  }

  test("a ledger without the stream's watermark falls back to the wall-clock lag") {
    assert(Truth.behindWatermark(activity(1000000L, 200000, 0), null, 1, watermark))
    assert(!Truth.behindWatermark(activity(1000000L, 60000, 0), null, 1, watermark))
  }
}
