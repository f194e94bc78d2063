package io.gmall.reconcile

import java.time.{Clock, LocalDate}

import scala.collection.JavaConverters._

import io.gmall.streaming.StackEnv
import io.gmall.streaming.alerts.CouponAbuseRule
import io.gmall.streaming.dau.DauWriter
import io.gmall.streaming.gmv.GmvWriter
import io.gmall.streaming.store.{EsDocumentIndex, HbaseRowStore}
import org.apache.spark.sql.Encoders
import org.apache.spark.sql.functions.col

/**
 * The recompute against the stack's real HBase and Elasticsearch: a wrong realtime row is replaced by the recomputed
 * one, which a fresh client reads back, the alerts the stream never raised are backfilled, and a second run finds
 * nothing to do. The day is one of 2001, which no mock run uses.
 */
class ReconcileIT extends ReconcileFixtures {

  test("a run corrects HBase's hourly rows and a second run leaves them alone") {
    val day = LocalDate.of(2001, 1, 1).plusDays(scala.util.Random.nextInt(365)).toString
    val cfg = StackEnv.config(Map("lake.root" -> dir.resolve("lake").toString))
    startups(cfg, day)
    orders(cfg, day)
    events(cfg, day)
    val hbase = new HbaseRowStore(cfg.hbaseQuorum, cfg.hbasePort, cfg.hbaseNamespace)
    val es = new EsDocumentIndex(cfg.esUrl)
    try {
      hbase.put(DauWriter.HOURLY_TABLE, "m", Map(day -> Map("dau_09" -> "1", "new_09" -> "1", "dau" -> "1", "new_mid" -> "1").asJava).asJava)
      hbase.delete(GmvWriter.HOURLY_TABLE, List(day).asJava)
      val first = new Reconcile(spark, cfg, hbase, es, Clock.systemUTC()).run(day, false)
      assert(first.tables.asScala.forall(_.corrected))
      val second = new Reconcile(spark, cfg, hbase, es, Clock.systemUTC()).run(day, false)
      assert(second.differing == 0 && !second.tables.asScala.exists(_.corrected))
    } finally hbase.close()
    val reader = new HbaseRowStore(cfg.hbaseQuorum, cfg.hbasePort, cfg.hbaseNamespace)
    try {
      assert(nonZero(reader.get(DauWriter.HOURLY_TABLE, "m", day).asScala.toMap) == expectedDau)
      assert(nonZero(reader.get(GmvWriter.HOURLY_TABLE, "m", day).asScala.toMap) == expectedGmv)
    } finally reader.close()
    val alerts = new EsDocumentIndex(cfg.esUrl).documents(spark, cfg.alertIndex, CouponAbuseRule.ARRAY_FIELDS: _*).get()
      .filter(col("dt") === day)
    assert(alerts.select("alert_id").as(Encoders.STRING).collect().toSet == expectedAlerts(day))
    assert(alerts.filter(col("source") === "reconcile").count() == expectedAlerts(day).size)
  }
}
