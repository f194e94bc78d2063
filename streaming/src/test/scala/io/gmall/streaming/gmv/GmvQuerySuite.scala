package io.gmall.streaming.gmv

import java.time.{Clock, Duration, Instant, ZoneOffset}

import io.gmall.streaming.{SparkSuite, StreamingConfig}
import io.gmall.streaming.Records.{cdc, order}
import io.gmall.streaming.store.{InMemoryRowStore, InMemoryStateStore, StoreRetry}
import io.gmall.streaming.time.BusinessTime

class GmvQuerySuite extends SparkSuite {

  private var state: InMemoryStateStore = _
  private var rows: InMemoryRowStore = _
  private var cfg: StreamingConfig = _
  private var feed: KafkaFeed = _

  override def beforeEach(): Unit = {
    super.beforeEach()
    state = new InMemoryStateStore
    rows = new InMemoryRowStore
    cfg = config()
    feed = new KafkaFeed("gmall.cdc.order_info")
  }

  /** The suite's days are 2026-11-24 and 25: the stream runs the day after, well inside the state retention. */
  private def writer() = new GmvWriter(state, rows, new BusinessTime(cfg.businessZone), cfg.sourceZone, cfg.stateRetention,
    new StoreRetry(1, Duration.ofMillis(10)), Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC))

  private def start(w: GmvWriter = writer()) = new GmvQuery(cfg, w).start(feed.df)

  private def hourly(dt: String) = rows.row(GmvWriter.HOURLY_TABLE, dt)

  // MariaDB DATETIMEs are UTC: 2026-11-24T02:30 UTC is 10:30 in Shanghai.
  private val o1 = order(1, "100.50", "2026-11-24T02:30:00.000")
  private val o2 = order(2, "20.00", "2026-11-24T02:59:59.999")

  test("orders count in the business hour of their creation, amounts exact") {
    val q = start()
    feed.send(cdc("order_info", "c", null, o1), cdc("order_info", "c", null, o2), cdc("order_info", "c", null, order(3, "0.10", "2026-11-24T16:00:00.000")))
    drain(q)
    assert(hourly("2026-11-24")("count_10") == "2")
    assert(hourly("2026-11-24")("amount_10") == "120.50")
    assert(hourly("2026-11-25")("count_00") == "1", "16:00 UTC is midnight in Shanghai")
    assert(hourly("2026-11-25")("amount_00") == "0.10")
    assert(hourly("2026-11-24")("order_amount") == "120.50")
  }

  test("a day's hashes expire after the state retention, and a change of an order created before its window leaves the day alone") {
    val w = writer()
    val q = start(w)
    val old = order(9, "50.00", "2026-10-01T02:30:00.000")
    feed.send(cdc("order_info", "c", null, o1), cdc("order_info", "u", old, order(9, "40.00", "2026-10-01T02:30:00.000", status = "1002")))
    drain(q)
    assert(state.expiries(GmvWriter.hourKey("2026-11-24", "10")) == cfg.stateRetention.toSeconds)
    assert(hourly("2026-11-24")("amount_10") == "100.50")
    assert(hourly("2026-10-01").isEmpty, "recounted from the hashes of a day past the retention: gone, or left by a correction")
    assert(!state.exists(GmvWriter.hourKey("2026-10-01", "10")))
    assert(w.tooLate() == 1)
    assert(rows.row(GmvWriter.ORDER_TABLE, "9")("order_status") == "1002", "the order's own row follows it still")
  }

  test("an update replaces the amount and never counts the order twice; a delete removes it") {
    val q = start()
    feed.send(cdc("order_info", "c", null, o1))
    drain(q)
    val paid = order(1, "90.25", "2026-11-24T02:30:00.000", status = "1002")
    feed.send(cdc("order_info", "u", o1, paid))
    drain(q)
    assert(hourly("2026-11-24")("count_10") == "1")
    assert(hourly("2026-11-24")("amount_10") == "90.25")
    assert(rows.row(GmvWriter.ORDER_TABLE, "1")("order_status") == "1002")
    feed.send(cdc("order_info", "d", paid, null))
    drain(q)
    assert(hourly("2026-11-24")("count_10") == "0")
    assert(hourly("2026-11-24")("order_amount") == "0.00")
    assert(rows.row(GmvWriter.ORDER_TABLE, "1").isEmpty)
  }

  test("several changes of one order in one batch apply in binlog order") {
    val q = start()
    val u1 = order(1, "80.00", "2026-11-24T02:30:00.000", status = "1002")
    val u2 = order(1, "70.00", "2026-11-24T02:30:00.000", status = "1003")
    feed.send(cdc("order_info", "c", null, o1), cdc("order_info", "u", o1, u1), cdc("order_info", "u", u1, u2))
    drain(q)
    assert(hourly("2026-11-24")("count_10") == "1" && hourly("2026-11-24")("amount_10") == "70.00")
    assert(rows.row(GmvWriter.ORDER_TABLE, "1")("order_status") == "1003")
  }

  test("the phone number is masked in HBase") {
    val q = start()
    feed.send(cdc("order_info", "c", null, o1))
    drain(q)
    assert(rows.row(GmvWriter.ORDER_TABLE, "1")("consignee_tel") == "138****5678")
    assert(GmvWriter.maskPhone("12345") == "*****")
  }

  test("a batch replayed after the sink wrote and before the commit changes nothing") {
    val q = start()
    feed.send(cdc("order_info", "c", null, o1), cdc("order_info", "c", null, o2))
    drain(q)
    feed.send(cdc("order_info", "u", o2, order(2, "25.00", "2026-11-24T02:59:59.999")), cdc("order_info", "d", o1, null))
    drain(q)
    val before = rows.snapshot
    val stateBefore = state.snapshot
    val putsBefore = rows.puts
    q.stop()
    forgetLastCommit("gmv", cfg)
    drain(start())
    assert(rows.puts > putsBefore)
    assert(rows.snapshot == before)
    assert(state.snapshot == stateBefore)
    assert(hourly("2026-11-24")("count_10") == "1" && hourly("2026-11-24")("amount_10") == "25.00")
  }
}
