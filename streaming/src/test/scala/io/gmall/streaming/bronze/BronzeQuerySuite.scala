package io.gmall.streaming.bronze

import java.time.Duration
import java.util.concurrent.ConcurrentLinkedQueue

import scala.collection.JavaConverters._

import io.delta.tables.DeltaTable
import io.gmall.streaming.{GmallQuery, SparkSuite, StreamingConfig}
import io.gmall.streaming.Records.{cdc, order, startup}
import io.gmall.streaming.store.StoreRetry
import org.apache.spark.scheduler.{SparkListener, SparkListenerJobStart}
import org.apache.spark.sql.functions.col
import org.scalatest.concurrent.Eventually.{eventually, timeout}
import org.scalatest.time.SpanSugar._

class BronzeQuerySuite extends SparkSuite {

  private var cfg: StreamingConfig = _
  private var feed: KafkaFeed = _

  override def beforeEach(): Unit = {
    super.beforeEach()
    cfg = config()
    feed = new KafkaFeed("gmall.log.startup")
  }

  private def start() = new BronzeQuery(cfg, new StoreRetry(1, Duration.ofMillis(10))).start(feed.df)

  private def table(topic: String) = spark.read.format("delta").load(cfg.bronzeTable(topic).toString)

  test("each topic lands in its own table, partitioned by the business day of the record's own time") {
    val q = start()
    feed.send(startup("mid_1", at("2026-11-23T23:59:59")), startup("mid_1", at("2026-11-24T00:00:01")))
    feed.sendTo("gmall.cdc.order_info", cdc("order_info", "c", null, order(1, "1.00", "2026-11-24T02:00:00.000"), ts = at("2026-11-24T10:00:00")))
    feed.sendTo("gmall.log.dlq", """{"failure":{"code":"json"},"payload":"{"}""")
    drain(q)
    val startups = table("gmall.log.startup")
    assert(startups.select("dt").collect().map(_.getString(0)).sorted.toSeq == Seq("2026-11-23", "2026-11-24"))
    assert(table("gmall.cdc.order_info").select("dt").head().getString(0) == "2026-11-24")
    assert(table("gmall.log.dlq").count() == 1, "a record without ts falls back to the Kafka timestamp")
    assert(startups.columns.toSet.subsetOf(Set("topic", "partition", "offset", "timestamp", "key", "value", "event_ms", "dt")))
    assert(startups.filter(col("value").contains("\"mid\":\"mid_1\"")).count() == 2, "the raw value is kept")
  }

  test("a partition holding more days than a task keeps open lands each record in its own day") {
    val q = start()
    val days = (1 to 9).map(d => f"2026-11-$d%02d")
    feed.send(days.reverse.flatMap(d => Seq(startup("mid_" + d, at(d + "T12:00:00")), startup("mid_" + d, at(d + "T23:59:59")))): _*)
    drain(q)
    val landed = table("gmall.log.startup").select("dt", "value").collect().map(r => r.getString(0) -> r.getString(1))
    assert(landed.length == 18)
    assert(landed.forall { case (dt, value) => value.contains("\"mid\":\"mid_" + dt + "\"") })
    assert(landed.map(_._1).toSet == days.toSet)
  }

  test("a batch replayed after Delta committed is skipped: every record appears once by (partition, offset)") {
    val q = start()
    feed.send(startup("mid_1", at("2026-11-24T10:00:00")))
    drain(q)
    feed.send(startup("mid_2", at("2026-11-24T10:00:00")), startup("mid_3", at("2026-11-24T10:00:00")))
    feed.sendTo("gmall.log.event", """{"event_id":"e","mid":"mid_2","ts":1}""")
    drain(q)
    q.stop()
    val commits = Seq("gmall.log.startup", "gmall.log.event").map(versions)
    val replayed = forgetLastCommit("bronze", cfg)
    drain(start())
    val startups = table("gmall.log.startup")
    assert(startups.count() == 3)
    assert(startups.select("partition", "offset").distinct().count() == 3)
    assert(table("gmall.log.event").count() == 1)
    assert(Seq("gmall.log.startup", "gmall.log.event").map(versions) == commits, s"batch $replayed committed to Delta again")
  }

  test("a query started over on a new checkpoint, the lake kept, lands its batches: they are not taken for replays") {
    val q = start()
    feed.send(startup("mid_1", at("2026-11-24T10:00:00")))
    drain(q)
    feed.send(startup("mid_2", at("2026-11-24T10:00:00")))
    drain(q)
    q.stop()
    cfg = config("checkpoint.root" -> dir.resolve("checkpoints-started-over").toString)
    val again = start()
    drain(again)
    feed.send(startup("mid_3", at("2026-11-24T10:00:00")))
    drain(again)
    val startups = table("gmall.log.startup")
    assert(startups.filter(col("value").contains("\"mid\":\"mid_3\"")).count() == 1, "the new query's batch was skipped as a replay")
  }

  private def versions(topic: String): Long = DeltaTable.forPath(spark, cfg.bronzeTable(topic).toString).history().count()

  test("every job of the query, the tables' appends on their own threads included, runs in the query's scheduler pool") {
    val pools = new ConcurrentLinkedQueue[String]()
    val listener = new SparkListener {
      override def onJobStart(job: SparkListenerJobStart): Unit =
        pools.add(String.valueOf(job.properties.getProperty(GmallQuery.SCHEDULER_POOL)))
    }
    val q = start()
    spark.sparkContext.addSparkListener(listener)
    try {
      feed.send(startup("mid_1", at("2026-11-24T10:00:00")))
      feed.sendTo("gmall.log.event", """{"event_id":"e","mid":"mid_1","ts":1}""")
      drain(q)
      assert(spark.sparkContext.getLocalProperty(GmallQuery.SCHEDULER_POOL) == null, "the caller's thread is left as it was")
      // Listeners hear of jobs in order, later: once a last job of the test's own is heard of, so are the query's.
      spark.sparkContext.setLocalProperty(GmallQuery.SCHEDULER_POOL, "test")
      spark.sparkContext.parallelize(Seq(1)).count()
      spark.sparkContext.setLocalProperty(GmallQuery.SCHEDULER_POOL, null)
      eventually(timeout(30.seconds)) { assert(pools.contains("test")) }
    } finally spark.sparkContext.removeSparkListener(listener)
    assert(table("gmall.log.event").count() == 1)
    assert(pools.size > 3, "the batch ran jobs")
    assert(pools.asScala.toSet == Set("bronze", "test"))
  }

  test("a topic is appended from the partitions that hold it, and only its own rows of a partition it shares") {
    val session = spark
    import session.implicits._
    val placed = spark.sparkContext.parallelize(Seq(("a", 1), ("a", 2), ("b", 3), ("a", 4), ("c", 5), ("c", 6)), 3)
    val rows = placed.toDF("topic", "n")
    val partitions = BronzeQuery.partitionsOfEachTopic(rows)
    assert(partitions.toString == "{a=[0, 1], b=[1], c=[2]}")
    val onlyB = BronzeQuery.onlyPartitions(rows, partitions.get("b"))
    assert(onlyB.rdd.getNumPartitions == 1, "no task for a partition without the topic")
    assert(onlyB.collect().map(_.getInt(1)).sorted.toSeq == Seq(3, 4))
    val onlyA = BronzeQuery.onlyPartitions(rows, partitions.get("a"))
    assert(onlyA.rdd.getNumPartitions == 2)
    assert(onlyA.filter(col("topic") === "a").collect().map(_.getInt(1)).sorted.toSeq == Seq(1, 2, 4))
  }
}
