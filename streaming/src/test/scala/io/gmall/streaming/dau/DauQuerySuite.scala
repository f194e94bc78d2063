package io.gmall.streaming.dau

import java.time.{Clock, Duration, Instant, ZoneOffset}
import java.util.TimeZone

import io.gmall.streaming.{Records, SparkSuite, StreamingConfig}
import io.gmall.streaming.Records.startup
import io.gmall.streaming.store.{InMemoryRowStore, InMemoryStateStore, StoreRetry}
import io.gmall.streaming.time.BusinessTime

class DauQuerySuite extends SparkSuite {

  private var state: InMemoryStateStore = _
  private var rows: InMemoryRowStore = _
  private var cfg: StreamingConfig = _
  private var feed: KafkaFeed = _
  private val clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC)

  override def beforeEach(): Unit = {
    super.beforeEach()
    state = new InMemoryStateStore
    rows = new InMemoryRowStore
    cfg = config()
    feed = new KafkaFeed("gmall.log.startup")
  }

  private def writer = new DauWriter(state, rows, new BusinessTime(cfg.businessZone), cfg.stateRetention,
    new StoreRetry(1, Duration.ofMillis(10)), clock)

  private def start() = new DauQuery(cfg, writer).start(feed.df)

  private def hourly(dt: String) = rows.row(DauWriter.HOURLY_TABLE, dt)

  private def dau(dt: String, hh: String) = hourly(dt).getOrElse(s"dau_$hh", "0").toLong

  private def fresh(dt: String, hh: String) = hourly(dt).getOrElse(s"new_$hh", "0").toLong

  test("a device counts once per day however often it starts, and duplicates change nothing") {
    val q = start()
    val dup = startup("mid_1", at("2026-11-24T10:15:00"))
    feed.send(dup, dup, startup("mid_1", at("2026-11-24T11:00:00")), startup("mid_2", at("2026-11-24T10:59:59")))
    drain(q)
    feed.send(dup, startup("mid_1", at("2026-11-24T12:00:00")))
    drain(q)
    assert(hourly("2026-11-24")("dau") == "2")
    assert(dau("2026-11-24", "10") == 2)
    assert(dau("2026-11-24", "11") == 0)
    assert(rows.row(DauWriter.DAU_TABLE, "2026-11-24|mid_1")("ts") == at("2026-11-24T10:15:00").toString)
  }

  test("startups either side of midnight count on their own business day, whatever the JVM's zone") {
    val saved = TimeZone.getDefault
    TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"))
    try {
      val q = start()
      feed.send(startup("mid_1", at("2026-11-23T23:59:59.999")), startup("mid_1", at("2026-11-24T00:00:00")))
      drain(q)
      assert(dau("2026-11-23", "23") == 1)
      assert(dau("2026-11-24", "00") == 1)
      assert(fresh("2026-11-23", "23") == 1, "first seen on the 23rd")
      assert(fresh("2026-11-24", "00") == 0, "not new on the 24th")
    } finally TimeZone.setDefault(saved)
  }

  test("a device active on two days is active on both and new only on the first") {
    val q = start()
    feed.send(startup("mid_7", at("2026-11-23T08:00:00")))
    drain(q)
    feed.send(startup("mid_7", at("2026-11-24T09:30:00")))
    drain(q)
    assert(hourly("2026-11-23")("dau") == "1" && hourly("2026-11-23")("new_mid") == "1")
    assert(hourly("2026-11-24")("dau") == "1" && hourly("2026-11-24")("new_mid") == "0")
  }

  test("a late startup earlier than the known first visit moves the device to the earlier hour") {
    val q = start()
    feed.send(startup("mid_3", at("2026-11-24T15:00:00")))
    drain(q)
    assert(dau("2026-11-24", "15") == 1)
    feed.send(startup("mid_3", at("2026-11-24T09:10:00"), area = "shanghai"))
    drain(q)
    assert(dau("2026-11-24", "15") == 0)
    assert(dau("2026-11-24", "09") == 1)
    assert(fresh("2026-11-24", "09") == 1 && fresh("2026-11-24", "15") == 0)
    assert(hourly("2026-11-24")("dau") == "1")
    val visit = rows.row(DauWriter.DAU_TABLE, "2026-11-24|mid_3")
    assert(visit("hh") == "09" && visit("area") == "shanghai")
  }

  test("a late startup on an earlier day makes the device new on that day, not on the later one") {
    val q = start()
    feed.send(startup("mid_4", at("2026-11-24T10:00:00")))
    drain(q)
    assert(hourly("2026-11-24")("new_mid") == "1")
    feed.send(startup("mid_4", at("2026-11-23T22:00:00")))
    drain(q)
    assert(hourly("2026-11-23")("new_mid") == "1")
    assert(hourly("2026-11-24")("new_mid") == "0", "the later day is rewritten although the batch held nothing of it")
    assert(hourly("2026-11-24")("dau") == "1")
  }

  test("a batch replayed after the sink wrote and before the commit changes nothing") {
    val q = start()
    feed.send(startup("mid_1", at("2026-11-24T10:00:00")), startup("mid_2", at("2026-11-24T11:00:00")))
    drain(q)
    feed.send(startup("mid_1", at("2026-11-24T08:00:00")), startup("mid_3", at("2026-11-23T11:00:00")), startup("mid_2", at("2026-11-23T07:00:00")))
    drain(q)
    val before = rows.snapshot
    val stateBefore = state.snapshot
    val putsBefore = rows.puts
    q.stop()
    forgetLastCommit("dau", cfg)
    val again = start()
    drain(again)
    assert(rows.puts > putsBefore, "the batch was applied again")
    assert(rows.snapshot == before)
    assert(state.snapshot == stateBefore)
    assert(hourly("2026-11-24")("dau") == "2" && hourly("2026-11-24")("new_mid") == "1", "mid_1 stays new on the 24th, mid_2 moved to the 23rd")
    assert(hourly("2026-11-23")("dau") == "2" && hourly("2026-11-23")("new_mid") == "2")
  }

  test("a crash between Redis and HBase is repaired by the replay: pending days survive") {
    val w = writer
    w.apply(java.util.Collections.singletonList(new FirstVisit("2026-11-24", "mid_9", at("2026-11-24T10:00:00"), "e1", "1", "ios", "beijing", "appstore", "1.2.0", "gmall")))
    val lost = new FirstVisit("2026-11-23", "mid_9", at("2026-11-23T10:00:00"), "e2", "1", "ios", "beijing", "appstore", "1.2.0", "gmall")
    val failingRows = new InMemoryRowStore {
      override def put(table: String, family: String, r: java.util.Map[String, java.util.Map[String, String]]): Unit =
        throw new IllegalStateException("HBase down")
    }
    val crashed = new DauWriter(state, failingRows, new BusinessTime(cfg.businessZone), cfg.stateRetention, new StoreRetry(1, Duration.ofMillis(10)), clock)
    intercept[IllegalStateException](crashed.apply(java.util.Collections.singletonList(lost)))
    w.apply(java.util.Collections.singletonList(lost))
    assert(hourly("2026-11-24")("new_mid") == "0", "the day whose new device moved away was rewritten on replay")
    assert(hourly("2026-11-23")("new_mid") == "1")
  }

  test("startups older than the state retention are left to the nightly reconcile") {
    val w = writer
    w.apply(java.util.Collections.singletonList(new FirstVisit("2026-09-01", "mid_1", at("2026-09-01T10:00:00"), "e", "1", null, null, null, null, null)))
    assert(w.tooLate() == 1)
    assert(hourly("2026-09-01").isEmpty)
  }
}
