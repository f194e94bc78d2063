package io.gmall.streaming.sale

import java.time.{Clock, Duration, Instant, ZoneOffset}
import java.util.concurrent.atomic.AtomicLong

import scala.collection.JavaConverters._

import io.gmall.streaming.{SparkSuite, StreamingConfig}
import io.gmall.streaming.Records.{cdc, order}
import io.gmall.streaming.store.{InMemoryDocumentIndex, InMemoryStateStore, StoreRetry}

class SaleQuerySuite extends SparkSuite {

  private var state: InMemoryStateStore = _
  private var index: InMemoryDocumentIndex = _
  private var cfg: StreamingConfig = _
  private var feed: KafkaFeed = _
  private val now = new AtomicLong(Instant.parse("2026-11-25T12:00:00Z").toEpochMilli)
  private val clock = new Clock {
    override def getZone = ZoneOffset.UTC
    override def withZone(z: java.time.ZoneId): Clock = this
    override def instant(): Instant = Instant.ofEpochMilli(now.get())
  }
  private var bootstrapUsers: Seq[java.util.Map[String, AnyRef]] = Seq.empty

  override def beforeEach(): Unit = {
    super.beforeEach()
    state = new InMemoryStateStore
    index = new InMemoryDocumentIndex
    cfg = config("join.ttl.minutes" -> "30")
    feed = new KafkaFeed("gmall.cdc.order_info")
    bootstrapUsers = Seq.empty
  }

  private def joiner = new SaleJoiner(state, cfg.businessZone, cfg.sourceZone, cfg.joinTtl, new StoreRetry(1, Duration.ofMillis(10)), clock)

  private def start() = new SaleQuery(cfg, joiner, state, index, new StoreRetry(1, Duration.ofMillis(10)),
    () => bootstrapUsers.asJava).start(feed.df)

  private def docs = index.docs(cfg.saleIndex)

  private def detail(id: Long, orderId: Long, sku: String = "Xiaomi phone", price: String = "50.25", num: Int = 2) =
    s"""{"id":$id,"order_id":$orderId,"sku_id":${id * 10},"sku_name":"$sku","order_price":$price,"sku_num":$num,"create_time":"2026-11-24T02:30:00.000"}"""

  private def user(id: Long, level: String, operateTime: String, gender: String = "F", birthday: String = "2000-11-24") = {
    val op = Option(operateTime).map(t => s""""$t"""").getOrElse("null")
    s"""{"id":$id,"user_level":"$level","birthday":"$birthday","gender":"$gender","create_time":"2026-01-01T00:00:00.000","operate_time":$op}"""
  }

  private val o1 = order(1, "100.50", "2026-11-24T02:30:00.000", userId = 7)

  private def sendOrder(op: String, before: String, after: String) = feed.sendTo("gmall.cdc.order_info", cdc("order_info", op, before, after))
  private def sendDetail(op: String, before: String, after: String) = feed.sendTo("gmall.cdc.order_detail", cdc("order_detail", op, before, after))
  private def sendUser(op: String, before: String, after: String) = feed.sendTo("gmall.cdc.user_info", cdc("user_info", op, before, after))

  test("an order and its details join on order_id, with the user's gender, age on the order date and level") {
    sendUser("c", null, user(7, "2", null))
    val q = start()
    sendOrder("c", null, o1)
    sendDetail("c", null, detail(11, 1))
    sendDetail("c", null, detail(12, 1, sku = "Huawei laptop"))
    drain(q)
    assert(docs.keySet == Set("11", "12"))
    val d = docs("11")
    assert(d.getAs[String]("order_id") == "1" && d.getAs[String]("user_id") == "7")
    assert(d.getAs[String]("user_gender") == "F" && d.getAs[String]("user_level") == "2")
    assert(d.getAs[Int]("user_age") == 26, "born 2000-11-24, ordered 2026-11-24 in Shanghai")
    assert(d.getAs[String]("dt") == "2026-11-24" && d.getAs[String]("create_time") == "2026-11-24T10:30:00+08:00")
    assert(d.getAs[Double]("sku_price") == 50.25 && d.getAs[Int]("sku_num") == 2 && d.getAs[String]("area") == "beijing")
    assert(docs("12").getAs[String]("sku_name") == "Huawei laptop")
  }

  test("details that come first wait in Redis for their order") {
    sendUser("c", null, user(7, "1", null))
    val q = start()
    sendDetail("c", null, detail(11, 1))
    drain(q)
    assert(docs.isEmpty)
    assert(state.sorted(SaleJoiner.WAITING).contains("1"))
    sendOrder("c", null, o1)
    drain(q)
    assert(docs.keySet == Set("11"))
    assert(!state.sorted(SaleJoiner.WAITING).contains("1"))
  }

  test("a detail whose order never comes is counted when the TTL runs out and left to the backfill") {
    val j = joiner
    val noOrder = new SaleJoiner.Change("11", null, Map[String, AnyRef]("id" -> Long.box(11), "order_id" -> Long.box(99),
      "sku_id" -> Long.box(1), "sku_name" -> "x", "order_price" -> new java.math.BigDecimal("1.00"), "sku_num" -> Int.box(1)).asJava)
    assert(j.apply(java.util.List.of(), java.util.Collections.singletonList(noOrder)).joined().isEmpty)
    now.addAndGet(Duration.ofMinutes(31).toMillis)
    val later = j.apply(java.util.List.of(), java.util.List.of())
    assert(later.expiredUnjoined() == 1)
    assert(j.expiredUnjoined() == 1)
  }

  test("the user as of the order's time, not as updated after it, and users bootstrapped from MariaDB") {
    bootstrapUsers = Seq(Map[String, AnyRef]("id" -> Long.box(7), "user_level" -> "1", "birthday" -> "1990-01-01", "gender" -> "M",
      "create_time" -> "2026-01-01T00:00:00", "operate_time" -> null).asJava)
    val q = start()
    // Updated after the order (02:30 UTC) in the same batch as the order.
    sendUser("u", user(7, "1", null, "M", "1990-01-01"), user(7, "3", "2026-11-24T05:00:00.000", "M", "1990-01-01"))
    sendOrder("c", null, o1)
    sendDetail("c", null, detail(11, 1))
    drain(q)
    assert(docs("11").getAs[String]("user_level") == "1")
    assert(docs("11").getAs[Int]("user_age") == 36)
    val later = order(2, "5.00", "2026-11-24T06:00:00.000", userId = 7)
    sendOrder("c", null, later)
    sendDetail("c", null, detail(21, 2))
    drain(q)
    assert(docs("21").getAs[String]("user_level") == "3")
  }

  test("a user created today, then updated on a replayed past day, keeps its first state for orders before the update") {
    val q = start()
    val created = s"""{"id":8,"user_level":"3","birthday":"1977-08-23","gender":"M","create_time":"2026-11-25T18:35:35.869","operate_time":null}"""
    val updated = s"""{"id":8,"user_level":"5","birthday":"1977-08-23","gender":"M","create_time":"2026-11-25T18:35:35.869","operate_time":"2026-11-24T01:52:34.224"}"""
    sendUser("c", null, created)
    sendUser("u", created, updated)
    drain(q)
    sendOrder("c", null, order(3, "1.00", "2026-11-24T01:04:08.277", userId = 8))
    sendOrder("c", null, order(4, "1.00", "2026-11-24T02:00:00.000", userId = 8))
    sendDetail("c", null, detail(31, 3))
    sendDetail("c", null, detail(41, 4))
    drain(q)
    assert(docs("31").getAs[String]("user_level") == "3", "before the update")
    assert(docs("41").getAs[String]("user_level") == "5", "after the update")
  }

  test("a user deleted and its id inserted again: the new user's orders never see the deleted one's attributes") {
    val q = start()
    val gone = user(9, "2", null, "F", "1990-05-01")
    sendUser("c", null, gone)
    sendUser("d", gone, null)
    val again = s"""{"id":9,"user_level":"3","birthday":"2006-01-10","gender":"F","create_time":"2026-11-25T18:54:49.431","operate_time":null}"""
    sendUser("c", null, again)
    drain(q)
    sendOrder("c", null, order(5, "1.00", "2026-11-23T01:00:00.000", userId = 9))
    sendDetail("c", null, detail(51, 5))
    drain(q)
    assert(docs("51").getAs[String]("user_level") == "3")
    assert(docs("51").getAs[Int]("user_age") == 20)
  }

  test("an order updated re-indexes its details with the new status; deleted, they disappear") {
    sendUser("c", null, user(7, "1", null))
    val q = start()
    sendOrder("c", null, o1)
    sendDetail("c", null, detail(11, 1))
    sendDetail("c", null, detail(12, 1))
    drain(q)
    val paid = order(1, "100.50", "2026-11-24T02:30:00.000", status = "1002", userId = 7)
    sendOrder("u", o1, paid)
    drain(q)
    assert(docs.values.map(_.getAs[String]("order_status")).toSet == Set("1002"))
    sendDetail("d", detail(12, 1), null)
    drain(q)
    assert(docs.keySet == Set("11"))
    sendOrder("d", paid, null)
    drain(q)
    assert(docs.isEmpty)
  }

  test("changes of one detail within one batch apply in binlog order") {
    sendUser("c", null, user(7, "1", null))
    val q = start()
    sendOrder("c", null, o1)
    sendDetail("c", null, detail(11, 1))
    sendDetail("d", detail(11, 1), null)
    sendDetail("c", null, detail(12, 1, num = 1))
    sendDetail("u", detail(12, 1, num = 1), detail(12, 1, num = 3))
    drain(q)
    assert(docs.keySet == Set("12"), "the detail inserted and deleted in the batch is not indexed")
    assert(docs("12").getAs[Int]("sku_num") == 3)
    assert(state.hashes(SaleJoiner.detailsKey("1")).keySet == Set("12"))
  }

  test("a batch replayed after the sink wrote and before the commit writes the same documents") {
    sendUser("c", null, user(7, "1", null))
    val q = start()
    sendOrder("c", null, o1)
    drain(q)
    sendDetail("c", null, detail(11, 1))
    sendDetail("c", null, detail(12, 1))
    drain(q)
    val before = docs
    val stateBefore = state.snapshot
    val writes = index.writes
    q.stop()
    forgetLastCommit("sale", cfg)
    drain(start())
    assert(index.writes == writes + 2, "the replayed batch indexed its two documents again")
    assert(docs == before)
    assert(state.snapshot == stateBefore)
  }
}
