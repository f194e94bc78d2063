package io.gmall.reconcile

import java.net.http.{HttpClient, HttpRequest, HttpResponse}
import java.time.{Clock, LocalDate}

import scala.collection.JavaConverters._

import io.gmall.streaming.{StackEnv, StreamingConfig}
import io.gmall.streaming.alerts.CouponAbuseRule
import io.gmall.streaming.dau.DauWriter
import io.gmall.streaming.gmv.GmvWriter
import io.gmall.streaming.store.{EsDocumentIndex, HbaseRowStore, RedisStateStore}
import org.apache.spark.sql.Encoders
import org.apache.spark.sql.functions.col

/**
 * The recompute against the stack's real HBase and Elasticsearch: a wrong realtime row, read through hbase-spark, is
 * replaced by the recomputed one, which a fresh client reads back, the alerts the stream never raised and the sale detail it never joined are
 * backfilled, and a second run finds nothing to do. HBase rows are of a day of 2001, which no mock run uses; the
 * documents go to indices of this run (the fixtures' detail ids would replace real documents of the same ids),
 * removed afterwards.
 */
class ReconcileIT extends ReconcileFixtures {

  test("a run corrects HBase's hourly rows and a second run leaves them alone") {
    val day = LocalDate.of(2001, 1, 1).plusDays(scala.util.Random.nextInt(365)).toString
    val run = StackEnv.unique("_it_")
    val cfg = StackEnv.config(Map("lake.root" -> dir.resolve("lake").toString, "es.sale.index" -> ("gmall_sale_detail" + run),
      "es.alert.index" -> ("gmall_coupon_alert" + run), "es.audit.index" -> ("gmall_reconcile_audit" + run)))
    try check(cfg, day) finally {
      val http = HttpClient.newHttpClient()
      for (index <- Seq(cfg.saleIndex, cfg.alertIndex, cfg.auditIndex)) {
        http.send(HttpRequest.newBuilder(cfg.esUrl.resolve("/" + index)).DELETE().build(), HttpResponse.BodyHandlers.discarding())
      }
    }
  }

  private def check(cfg: StreamingConfig, day: String): Unit = {
    startups(cfg, day)
    orders(cfg, day)
    events(cfg, day)
    sales(cfg, day)
    val hbase = new HbaseRowStore(cfg.hbaseQuorum, cfg.hbasePort, cfg.hbaseNamespace)
    val hbaseSpark = new HbaseSparkRows(spark, cfg)
    val es = new EsDocumentIndex(cfg.esUrl)
    // A day of 2001 is past the stream's state retention: Redis is not touched, but must be reachable.
    val redis = new RedisStateStore(cfg.redisUrl, "")
    try {
      hbase.put(DauWriter.HOURLY_TABLE, "m", Map(day -> Map("dau_09" -> "1", "new_09" -> "1", "dau" -> "1", "new_mid" -> "1").asJava).asJava)
      hbase.delete(GmvWriter.HOURLY_TABLE, List(day).asJava)
      val first = new Reconcile(spark, cfg, hbase, hbaseSpark, es, redis, Clock.systemUTC()).run(day, false)
      assert(first.tables.asScala.forall(_.corrected))
      val second = new Reconcile(spark, cfg, hbase, hbaseSpark, es, redis, Clock.systemUTC()).run(day, false)
      assert(second.differing == 0 && !second.tables.asScala.exists(_.corrected))
    } finally {
      hbase.close()
      redis.close()
    }
    val reader = new HbaseRowStore(cfg.hbaseQuorum, cfg.hbasePort, cfg.hbaseNamespace)
    try {
      assert(nonZero(reader.get(DauWriter.HOURLY_TABLE, "m", day).asScala.toMap) == expectedDau)
      assert(nonZero(reader.get(GmvWriter.HOURLY_TABLE, "m", day).asScala.toMap) == expectedGmv)
    } finally reader.close()
    val alerts = new EsDocumentIndex(cfg.esUrl).documents(spark, cfg.alertIndex, CouponAbuseRule.ARRAY_FIELDS: _*).get()
      .filter(col("dt") === day)
    assert(alerts.select("alert_id").as(Encoders.STRING).collect().toSet == expectedAlerts(day))
    assert(alerts.filter(col("source") === "reconcile").count() == expectedAlerts(day).size)
    val sale = new EsDocumentIndex(cfg.esUrl).documents(spark, cfg.saleIndex).get().filter(col("dt") === day)
      .select("order_detail_id", "user_level").collect().map(r => r.getString(0) -> r.getString(1)).toMap
    assert(sale == expectedSaleLevels)
    val audit = new EsDocumentIndex(cfg.esUrl).documents(spark, cfg.auditIndex).get().filter(col("dt") === day)
    assert(audit.select("run_id").distinct().count() == 2, "both runs audited in Elasticsearch")
    assert(audit.count() == 2 * 6 * 24)
  }
}
