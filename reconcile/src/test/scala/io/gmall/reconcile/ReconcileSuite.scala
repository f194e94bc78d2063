package io.gmall.reconcile

import java.time.{Clock, Instant, LocalDate, ZoneOffset}
import java.util.TimeZone

import scala.collection.JavaConverters._

import io.gmall.streaming.StreamingConfig
import io.gmall.streaming.alerts.CouponAbuseRule
import io.gmall.streaming.dau.DauWriter
import io.gmall.streaming.gmv.GmvWriter
import io.gmall.streaming.sale.SaleRow
import io.gmall.streaming.store.{InMemoryDocumentIndex, InMemoryRowStore, InMemoryStateStore, StoreRetry}
import io.gmall.streaming.time.BusinessTime
import org.apache.spark.sql.Encoders
import org.apache.spark.sql.functions.{array, col, lit, timestamp_millis, when}

/**
 * The nightly recompute on a lake written the way the stream writes it (BronzeQuery's rows), against HBase rows
 * held in memory: duplicates, late data, CDC updates and deletes in binlog order, the business day's midnight in
 * a zone that is neither UTC nor the JVM's, corrections that a second run finds nothing left to do about.
 */
class ReconcileSuite extends ReconcileFixtures {

  private val day = "2026-11-24"
  private val clock = Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC)
  private def row(store: InMemoryRowStore, table: String): Map[String, String] = store.row(table, day)

  private def like(r: SaleRow, id: String, level: String): SaleRow = new SaleRow(id, r.orderId, r.orderStatus, r.createTime, r.userId,
    r.userGender, r.userAge, level, r.skuId, r.skuName, r.skuPrice, r.skuNum, r.area, r.dt)

  private def reconcile(cfg: StreamingConfig, store: InMemoryRowStore, index: InMemoryDocumentIndex = new InMemoryDocumentIndex,
                        state: InMemoryStateStore = new InMemoryStateStore) =
    new Reconcile(spark, cfg, store, (table: String, family: String, _: java.util.List[String], key: String) => store.get(table, family, key),
      index, state, clock)

  /** The stream's view of the day: mid_b's late startup missed, order 1 at its first amount. */
  private def staleStreamState(state: InMemoryStateStore): Unit = {
    state.addScored(Map(DauWriter.dayKey(day) -> Map[String, java.lang.Long]("mid_a" -> at(s"${day}T00:00:01"), "mid_b" -> at(s"${day}T09:30:00")).asJava).asJava)
    state.hashPut(Map(GmvWriter.hourKey(day, "08") -> Map("1" -> "10.00").asJava, GmvWriter.hourKey(day, "00") -> Map("3" -> "7.25").asJava).asJava)
  }

  /** A late record of the day reaches the stream: it recounts the day from Redis and rewrites the rows, which must stay corrected. */
  private def assertStreamRecountsCorrected(cfg: StreamingConfig, store: InMemoryRowStore, state: InMemoryStateStore): Unit = {
    state.setAdd(DauWriter.PENDING, Seq(day).asJava)
    state.setAdd(GmvWriter.PENDING, Seq(day).asJava)
    val retry = new StoreRetry(1, java.time.Duration.ofMillis(10))
    new DauWriter(state, store, new BusinessTime(zone), cfg.stateRetention, retry, clock).apply(java.util.List.of())
    new GmvWriter(state, store, new BusinessTime(zone), cfg.sourceZone, cfg.stateRetention, retry, clock).apply(java.util.List.of())
    assert(nonZero(row(store, DauWriter.HOURLY_TABLE)) == expectedDau)
    assert(nonZero(row(store, GmvWriter.HOURLY_TABLE)) == expectedGmv)
  }

  test("silver keeps one copy of each record of the day, the late ones included") {
    val cfg = config()
    startups(cfg, day)
    val ids = new Silver(spark, cfg).logs("gmall.log.startup", day).select("event_id").as(Encoders.STRING)
      .collect().sorted.toSeq
    assert(ids == Seq(s"$day-a-later", s"$day-a-midnight", s"$day-b", s"$day-b-late"))
  }

  test("silver order state is each order after its last change in binlog order, deletes removed") {
    val cfg = config()
    orders(cfg, day)
    val state = new Silver(spark, cfg).state("gmall.cdc.order_info", io.gmall.streaming.CdcRows.ORDER_INFO)
      .select(col("id"), col("total_amount").cast("string"), col("order_status")).collect()
      .map(r => r.getLong(0) -> (r.getString(1), r.getString(2))).toMap
    assert(state == Map(1L -> ("12.50", "1002"), 3L -> ("7.25", "1001"), 4L -> ("5.00", "1001")))
  }

  test("gold buckets by the business zone whatever the JVM's zone, and finds every difference of the realtime rows") {
    val cfg = config()
    startups(cfg, day)
    orders(cfg, day)
    val store = new InMemoryRowStore
    // The realtime answer missed the late startup (mid_b at 09 instead of 07) and counted order 1 at its first amount.
    store.put(DauWriter.HOURLY_TABLE, "m", Map(day -> Map("dau_00" -> "1", "dau_09" -> "1", "new_09" -> "1", "dau" -> "2", "new_mid" -> "1").asJava).asJava)
    store.put(GmvWriter.HOURLY_TABLE, "m", Map(day -> Map("count_00" -> "1", "amount_00" -> "7.25", "count_08" -> "1", "amount_08" -> "10.00").asJava).asJava)
    val jvmZone = TimeZone.getDefault
    TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"))
    val outcome = try reconcile(cfg, store).run(day, false) finally TimeZone.setDefault(jvmZone)

    assert(nonZero(row(store, DauWriter.HOURLY_TABLE)) == expectedDau)
    assert(nonZero(row(store, GmvWriter.HOURLY_TABLE)) == expectedGmv)
    val differing = outcome.tables.asScala.flatMap(t => t.lines.asScala.filter(_.differs).map(l => (t.table, l.metric, l.hour, l.difference.toPlainString))).toSet
    assert(differing == Set((DauWriter.HOURLY_TABLE, "dau", "07", "1"), (DauWriter.HOURLY_TABLE, "dau", "09", "-1"),
      (DauWriter.HOURLY_TABLE, "new_mid", "07", "1"), (DauWriter.HOURLY_TABLE, "new_mid", "09", "-1"),
      (GmvWriter.HOURLY_TABLE, "order_amount", "08", "2.50")))
    assert(outcome.tables.asScala.filter(t => Set(DauWriter.HOURLY_TABLE, GmvWriter.HOURLY_TABLE).contains(t.table)).forall(_.corrected))
  }

  test("a correction restates the stream's Redis state, so its next batch of the day recounts the corrected figures") {
    val cfg = config()
    startups(cfg, day)
    orders(cfg, day)
    val store = new InMemoryRowStore
    val state = new InMemoryStateStore
    staleStreamState(state)
    reconcile(cfg, store, state = state).run(day, Seq(Reconcile.Metric.DAU, Reconcile.Metric.GMV).asJava, "run-1", false)

    assertStreamRecountsCorrected(cfg, store, state)
  }

  test("a run that dies while restating the stream's Redis state leaves a re-run to finish both corrections") {
    val cfg = config()
    startups(cfg, day)
    orders(cfg, day)
    val store = new InMemoryRowStore
    var redisDown = false
    val state = new InMemoryStateStore {
      override def addScored(scoresByKey: java.util.Map[String, java.util.Map[String, java.lang.Long]]): Unit =
        if (redisDown) throw new IllegalStateException("Redis is down") else super.addScored(scoresByKey)
      override def hashPut(fieldsByKey: java.util.Map[String, java.util.Map[String, String]]): Unit =
        if (redisDown) throw new IllegalStateException("Redis is down") else super.hashPut(fieldsByKey)
    }
    staleStreamState(state)
    // Redis goes away in the middle of each restatement: the day's old state is deleted, the new one never written.
    redisDown = true
    for (metric <- Seq(Reconcile.Metric.DAU, Reconcile.Metric.GMV)) {
      intercept[IllegalStateException](reconcile(cfg, store, state = state).run(day, Seq(metric).asJava, "run-1", false))
    }
    redisDown = false
    reconcile(cfg, store, state = state).run(day, Seq(Reconcile.Metric.DAU, Reconcile.Metric.GMV).asJava, "run-1", false)

    assertStreamRecountsCorrected(cfg, store, state)
  }

  test("a second run finds nothing to correct, replaces gold instead of appending, and only adds its own audit rows") {
    val cfg = config()
    startups(cfg, day)
    orders(cfg, day)
    val store = new InMemoryRowStore
    val first = reconcile(cfg, store).run(day, false)
    assert(first.differing > 0, "the realtime rows were empty")
    val puts = store.puts
    val second = reconcile(cfg, store).run(day, false)
    assert(second.differing == 0)
    assert(store.puts == puts, "the second run wrote to HBase")
    val audit = spark.read.format("delta").load(cfg.table("audit", "reconcile").toString)
    assert(audit.select("run_id").distinct().count() == 2)
    assert(audit.filter(col("run_id") === second.runId && col("corrected")).count() == 0)
    assert(audit.filter(col("run_id") === first.runId && col("corrected")).count() == first.differing)
    assert(audit.filter(col("run_id") === first.runId).count() == 6 * 24)
    assert(spark.read.format("delta").load(cfg.table("gold", "dau_first_visit").toString).count() == 2)
    assert(spark.read.format("delta").load(cfg.table("gold", "gmv_order").toString).count() == 2)
  }

  test("alerts: the missing and the wrong are written, the ones that should not exist deleted, and a second run changes nothing") {
    val cfg = config()
    events(cfg, day)
    val index = new InMemoryDocumentIndex
    val gold = new Gold(new Silver(spark, cfg), cfg)
    val silverEvents = new Silver(spark, cfg).logs(cfg.eventTopic, day, gold.alertsReach(day))
    val recomputed = gold.alerts(day, silverEvents)
    assert(recomputed.select("alert_id").as(Encoders.STRING).collect().toSet == expectedAlerts(day))
    // The rule over every event, without narrowing to its suspect devices first (mid_z is one, and clicks): the same alerts.
    val rule = new CouponAbuseRule(cfg.alertWindow, cfg.alertSlide, cfg.alertMinUsers, new BusinessTime(cfg.businessZone))
    val timed = silverEvents.withColumn(BusinessTime.EVENT_TIME, timestamp_millis(col("ts")))
    assert(rule.suspects(timed).as(Encoders.STRING).collect().toSet == Set("mid_x", "mid_y", "mid_z"))
    val unnarrowed = rule.alerts(timed).filter(col(BusinessTime.DT) === day)
    assert(recomputed.collect().toSet == unnarrowed.collect().toSet)
    val missing = s"mid_x|${at(s"${day}T10:05:00")}"
    val wrong = s"mid_y|${at(s"${day}T00:01:00")}"
    val extra = s"mid_q|${at(s"${day}T11:30:00")}"
    // The stream's view: one alert missing (a late claim), one with other users, one that should not exist.
    index.index(cfg.alertIndex, recomputed.filter(col("alert_id") =!= missing)
      .withColumn("uids", when(col("alert_id") === wrong, array(lit("1"), lit("2"), lit("9"))).otherwise(col("uids")))
      .union(recomputed.filter(col("alert_id") === missing).withColumn("mid", lit("mid_q")).withColumn("alert_id", lit(extra))
        .withColumn("window_end", lit(at(s"${day}T11:30:00"))).withColumn("window_start", lit(at(s"${day}T11:25:00")))), "alert_id")

    val first = reconcile(cfg, new InMemoryRowStore, index).run(day, false)
    val alerts = first.tables.asScala.find(_.table == cfg.alertIndex).get
    assert(alerts.corrected)
    assert(alerts.lines.asScala.filter(_.differs).map(l => (l.hour, l.mismatched, l.realtime.intValue, l.recomputed.intValue)).toSet
      == Set(("00", 1, 3, 3), ("10", 1, 2, 3), ("11", 1, 1, 0)))
    val docs = index.docs(cfg.alertIndex)
    assert(docs.keySet == expectedAlerts(day))
    assert(docs(wrong).getList[String](docs(wrong).fieldIndex("uids")).asScala == Seq("1", "2", "3"))
    assert(docs(missing).getAs[String]("source") == "reconcile")
    val writes = index.writesByIndex(cfg.alertIndex)
    val second = reconcile(cfg, new InMemoryRowStore, index).run(day, false)
    assert(!second.tables.asScala.find(_.table == cfg.alertIndex).get.corrected)
    assert(index.writesByIndex(cfg.alertIndex) == writes)
    assert(spark.read.format("delta").load(cfg.table("gold", "coupon_alert").toString).count() == 6)
  }

  test("sale detail: the joins the stream missed are backfilled with the user as of each order, wrong ones rewritten, extra ones removed") {
    val cfg = config()
    orders(cfg, day)
    sales(cfg, day)
    val index = new InMemoryDocumentIndex
    val gold = new Gold(new Silver(spark, cfg), cfg)
    val rows = gold.sale(gold.orders(day, new Silver(spark, cfg).state(cfg.orderTopic, io.gmall.streaming.CdcRows.ORDER_INFO)))
    assert(rows.asScala.map(r => r.orderDetailId -> r.userLevel).toMap == expectedSaleLevels)
    val age = java.time.Period.between(LocalDate.parse("2000-06-01"), LocalDate.parse(day)).getYears
    assert(rows.asScala.forall(r => r.userAge == age && r.userGender == "F" && r.dt == day))
    // The stream's view: detail 11 never joined, detail 31 with the level of after the change, 99 of a deleted detail.
    val stale = rows.asScala.find(_.orderDetailId == "31").get
    val wrong = like(stale, stale.orderDetailId, "2")
    val extra = like(stale, "99", stale.userLevel)
    index.index(cfg.saleIndex, spark.createDataFrame(Seq(wrong.toRow, extra.toRow).asJava, SaleRow.SCHEMA), SaleRow.ID)

    val first = reconcile(cfg, new InMemoryRowStore, index).run(day, Seq(Reconcile.Metric.SALE).asJava, "run-1", false)
    val sale = first.tables.asScala.head
    assert(sale.corrected && sale.differing == 2)
    assert(sale.lines.asScala.filter(_.differs).map(l => (l.hour, l.mismatched, l.realtime.intValue, l.recomputed.intValue)).toSet
      == Set(("00", 2, 2, 1), ("08", 1, 0, 1)))
    assert(index.docs(cfg.saleIndex).map { case (id, d) => id -> d.getAs[String]("user_level") } == expectedSaleLevels)
    val writes = index.writesByIndex(cfg.saleIndex)
    val second = reconcile(cfg, new InMemoryRowStore, index).run(day, Seq(Reconcile.Metric.SALE).asJava, "run-2", false)
    assert(!second.tables.asScala.head.corrected && index.writesByIndex(cfg.saleIndex) == writes)
  }

  test("the report of a run gathers every metric task's audit, and is not published while a metric recorded nothing") {
    val cfg = config()
    startups(cfg, day)
    orders(cfg, day)
    val store = new InMemoryRowStore
    val index = new InMemoryDocumentIndex
    reconcile(cfg, store, index).run(day, Seq(Reconcile.Metric.DAU, Reconcile.Metric.GMV).asJava, "nightly-1", false)
    reconcile(cfg, store, index).run(day, Seq(Reconcile.Metric.ALERTS).asJava, "other-run", false)
    val report = new RunReport(spark, cfg)
    val partial = report.gather(day, "nightly-1")
    assert(partial.missing.asScala == Seq(Reconcile.Metric.ALERTS, Reconcile.Metric.SALE))

    reconcile(cfg, store, index).run(day, Seq(Reconcile.Metric.ALERTS, Reconcile.Metric.SALE).asJava, "nightly-1", false)
    val whole = report.gather(day, "nightly-1")
    assert(whole.missing.isEmpty)
    assert(whole.outcome.tables.asScala.map(_.table) == Seq(DauWriter.HOURLY_TABLE, GmvWriter.HOURLY_TABLE, cfg.alertIndex, cfg.saleIndex))
    val dau = whole.outcome.tables.asScala.head
    assert(dau.corrected && dau.differing > 0)
    assert(dau.lines.asScala.find(l => l.metric == "dau" && l.hour == "07").map(l => (l.realtime.intValue, l.recomputed.intValue)).contains((0, 1)))
    val published = report.publish(whole.outcome)
    assert(published == cfg.lakeRoot.resolve(s"reports/reconcile/$day.txt"))
    val text = java.nio.file.Files.readString(published)
    assert(text.contains("run nightly-1") && text.contains(s"${dau.differing} of 48 metric-hours differ: corrected"))
  }

  test("a dry run reports the differences and writes nothing") {
    val cfg = config()
    startups(cfg, day)
    orders(cfg, day)
    events(cfg, day)
    sales(cfg, day)
    val store = new InMemoryRowStore
    val index = new InMemoryDocumentIndex
    val state = new InMemoryStateStore
    staleStreamState(state)
    val stale = state.snapshot
    val outcome = reconcile(cfg, store, index, state).run(day, true)
    assert(outcome.tables.asScala.forall(_.differing > 0), "every metric of the day differs from the empty stores")
    assert(store.puts == 0)
    assert(index.writes == 0 && index.indices.isEmpty)
    assert(state.snapshot == stale, "a dry run restated the stream's Redis state")
    Seq("silver", "gold", "audit").foreach(layer => assert(!cfg.lakeRoot.resolve(layer).toFile.exists(), s"$layer written by a dry run"))
  }

  /** The data files on disk of a table, and those its current version reads. */
  private def dataFiles(table: java.nio.file.Path): (Set[String], Set[String]) = {
    val onDisk = java.nio.file.Files.walk(table).iterator().asScala.map(_.toString).filter(_.endsWith(".parquet"))
      .filterNot(_.contains("_delta_log")).map(f => f.substring(f.lastIndexOf('/') + 1)).toSet
    (onDisk, spark.read.format("delta").load(table.toString).inputFiles.map(f => f.substring(f.lastIndexOf('/') + 1)).toSet)
  }

  test("maintenance compacts a day's bronze partition without losing a record, and vacuum removes the files it replaced") {
    val cfg = config("reconcile.vacuum.retention.hours" -> "0")
    startups(cfg, day)
    val before = spark.read.format("delta").load(cfg.bronzeTable("gmall.log.startup").toString).count()
    val maintenance = new Maintenance(spark, cfg)
    assert(maintenance.compact(day).size() == 1)
    val table = io.delta.tables.DeltaTable.forPath(spark, cfg.bronzeTable("gmall.log.startup").toString)
    assert(table.history(1).select("operation").head().getString(0) == "OPTIMIZE")
    assert(spark.read.format("delta").load(cfg.bronzeTable("gmall.log.startup").toString).count() == before)
    val (replaced, live) = dataFiles(cfg.bronzeTable("gmall.log.startup"))
    assert(replaced.size > live.size)
    assert(maintenance.vacuum().size() == 1)
    assert(dataFiles(cfg.bronzeTable("gmall.log.startup")) == (live, live))
  }

  test("a day that has not ended plus the grace period is refused unless forced, and a malformed date is refused") {
    val cfg = config("reconcile.grace.minutes" -> "60")
    // 2026-11-25 ends at 2026-11-25T16:00Z in Asia/Shanghai; with an hour's grace it may run from 17:00Z.
    val at = (t: String) => Clock.fixed(Instant.parse(t), ZoneOffset.UTC)
    assert(ReconcileMain.refusal("2026-11-25", cfg, at("2026-11-25T16:59:59Z"), false).contains("has not ended"))
    assert(ReconcileMain.refusal("2026-11-25", cfg, at("2026-11-25T17:00:00Z"), false) == null)
    assert(ReconcileMain.refusal("2026-11-25", cfg, at("2026-11-25T12:00:00Z"), true) == null)
    assert(ReconcileMain.refusal("2026-13-01", cfg, at("2026-11-25T12:00:00Z"), true).contains("yyyy-MM-dd"))
    assert(ReconcileMain.refusal("'; drop", cfg, at("2026-11-25T12:00:00Z"), true).contains("yyyy-MM-dd"))
  }
}
