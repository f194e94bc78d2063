package io.gmall.streaming.alerts

import java.time.Duration

import io.gmall.streaming.{SparkSuite, StreamingConfig}
import io.gmall.streaming.Records.event
import io.gmall.streaming.store.{InMemoryDocumentIndex, StoreRetry}

class AlertQuerySuite extends SparkSuite {

  private var index: InMemoryDocumentIndex = _
  private var cfg: StreamingConfig = _
  private var feed: KafkaFeed = _

  override def beforeEach(): Unit = {
    super.beforeEach()
    index = new InMemoryDocumentIndex
    cfg = config()
    feed = new KafkaFeed("gmall.log.event")
  }

  private def start() = new AlertQuery(cfg, index, new StoreRetry(1, Duration.ofMillis(10))).start(feed.df)

  private def alerts = index.docs(cfg.alertIndex)

  /** An event far later on another device: moves the watermark past the windows under test. */
  private def advance(to: String): Unit = feed.send(event("mid_clock", "0", "addCart", at(to)))

  private def claims(mid: String, uids: Seq[String], from: String): Seq[String] =
    uids.zipWithIndex.map { case (u, i) => event(mid, u, "coupon", at(from) + i * 10000L, itemid = 40 + i) }

  test("three users claiming coupons on a device that clicks nothing raise one alert per window end") {
    val q = start()
    feed.send(claims("mid_a", Seq("1", "2", "3"), "2026-11-24T10:00:10"): _*)
    drain(q)
    assert(alerts.isEmpty, "nothing before the watermark passes the windows")
    advance("2026-11-24T10:20:00")
    drain(q)
    drain(q)
    val ends = alerts.values.filter(_.getAs[String]("mid") == "mid_a").map(_.getAs[Long]("window_end")).toSeq.sorted
    assert(ends == (1 to 5).map(m => at("2026-11-24T10:00:00") + m * 60000L), "the five windows that hold all three claims")
    val first = alerts(s"mid_a|${at("2026-11-24T10:01:00")}")
    assert(first.getAs[Seq[String]]("uids") == Seq("1", "2", "3"))
    assert(first.getAs[Seq[String]]("item_ids") == Seq("40", "41", "42"))
    assert(first.getAs[String]("dt") == "2026-11-24")
    assert(first.getAs[Long]("alert_time") == first.getAs[Long]("window_end"))
  }

  test("a click in the window, two users only, or claims more than five minutes apart raise nothing") {
    val q = start()
    feed.send(claims("mid_click", Seq("1", "2", "3"), "2026-11-24T10:00:00") :+
      event("mid_click", "1", "clickItem", at("2026-11-24T10:00:05")): _*)
    feed.send(claims("mid_two", Seq("1", "2", "2"), "2026-11-24T10:00:00"): _*)
    feed.send(event("mid_far", "1", "coupon", at("2026-11-24T10:00:00")), event("mid_far", "2", "coupon", at("2026-11-24T10:02:00")),
      event("mid_far", "3", "coupon", at("2026-11-24T10:05:00")))
    feed.send(claims("mid_abuse", Seq("1", "2", "3"), "2026-11-24T10:00:00"): _*)
    drain(q)
    advance("2026-11-24T10:30:00")
    drain(q)
    drain(q)
    assert(alerts.keys.map(_.split('|')(0)).toSet == Set("mid_abuse"), alerts.keys.toString)
  }

  test("a late claim still inside the watermark completes the windows it belongs to") {
    val q = start()
    feed.send(claims("mid_l", Seq("1", "2"), "2026-11-24T10:00:10"): _*)
    advance("2026-11-24T10:01:30")
    drain(q)
    feed.send(event("mid_l", "3", "coupon", at("2026-11-24T10:00:30")))
    drain(q)
    advance("2026-11-24T10:20:00")
    drain(q)
    drain(q)
    val ends = alerts.values.filter(_.getAs[String]("mid") == "mid_l").map(_.getAs[Long]("window_end")).toSeq.sorted
    assert(ends == (1 to 5).map(m => at("2026-11-24T10:00:00") + m * 60000L), "90 s late against a 120 s watermark: counted")
  }

  test("duplicates change nothing and events later than the watermark are dropped") {
    val q = start()
    val sent = claims("mid_d", Seq("1", "2", "3"), "2026-11-24T11:00:00")
    feed.send(sent ++ sent: _*)
    feed.send(claims("mid_late", Seq("1", "2"), "2026-11-24T11:00:00"): _*)
    drain(q)
    advance("2026-11-24T11:30:00")
    drain(q)
    feed.send(event("mid_late", "3", "coupon", at("2026-11-24T11:00:30")))
    advance("2026-11-24T12:00:00")
    drain(q)
    drain(q)
    val duplicated = alerts.values.filter(_.getAs[String]("mid") == "mid_d").toSeq
    assert(duplicated.map(_.getAs[Long]("window_end")).sorted == (1 to 5).map(m => at("2026-11-24T11:00:00") + m * 60000L),
      "each window of the sent claims raises one alert, whatever the copies")
    assert(duplicated.forall(_.getAs[Seq[String]]("uids") == Seq("1", "2", "3")))
    assert(!alerts.keys.exists(_.startsWith("mid_late|")), "the third user arrived after the watermark closed the windows")
  }

  test("windows either side of midnight take the business day in which they end") {
    val q = start()
    feed.send(claims("mid_m", Seq("1", "2", "3"), "2026-11-24T23:58:00"): _*)
    advance("2026-11-25T00:30:00")
    drain(q)
    drain(q)
    val days = alerts.values.filter(_.getAs[String]("mid") == "mid_m").map(r => r.getAs[Long]("window_end") -> r.getAs[String]("dt")).toMap
    assert(days(at("2026-11-25T00:00:00")) == "2026-11-24")
    assert(days(at("2026-11-25T00:01:00")) == "2026-11-25")
  }

  test("a batch replayed after the sink wrote and before the commit writes the same documents") {
    val q = start()
    feed.send(claims("mid_r", Seq("1", "2", "3"), "2026-11-24T10:00:10"): _*)
    drain(q)
    advance("2026-11-24T10:20:00")
    drain(q)
    drain(q)
    val before = alerts
    val writes = index.writes
    assert(before.size == 5)
    q.stop()
    forgetLastCommit("alerts", cfg)
    drain(start())
    assert(index.writes == writes + 5, "the replayed batch indexed its five alerts again")
    assert(alerts == before)
  }
}
