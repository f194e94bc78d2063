package io.gmall.streaming

import java.nio.file.{Files, Path}
import java.time.{LocalDateTime, ZoneId}
import java.util.concurrent.atomic.AtomicLong

import scala.collection.JavaConverters._

import org.apache.commons.io.FileUtils
import org.apache.spark.sql.{DataFrame, SparkSession, SQLContext}
import org.apache.spark.sql.execution.streaming.MemoryStream
import org.apache.spark.sql.functions.{col, lit}
import org.apache.spark.sql.streaming.StreamingQuery
import org.scalatest.{BeforeAndAfterAll, BeforeAndAfterEach}
import org.scalatest.funsuite.AnyFunSuite

/**
 * A local Spark session (Delta enabled, no UI, loopback) per suite and a temporary lake per test; queries are
 * fed Kafka-shaped rows from a MemoryStream and driven batch by batch.
 */
trait SparkSuite extends AnyFunSuite with BeforeAndAfterAll with BeforeAndAfterEach {

  val zone: ZoneId = ZoneId.of("Asia/Shanghai")
  protected var spark: SparkSession = _
  protected var dir: Path = _

  override def beforeAll(): Unit = {
    spark = SparkSession.builder()
      .master("local[2]")
      .appName(getClass.getSimpleName)
      .config("spark.ui.enabled", "false")
      .config("spark.driver.host", "127.0.0.1")
      .config("spark.driver.bindAddress", "127.0.0.1")
      .config("spark.sql.shuffle.partitions", "2")
      // As the launcher runs the jobs: Delta rebuilds a table's state in 50 tasks by default, most of a small table's time.
      .config("spark.databricks.delta.snapshotPartitions", "2")
      .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
      .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
      .getOrCreate()
  }

  override def afterAll(): Unit = if (spark != null) spark.stop()

  override def beforeEach(): Unit = dir = Files.createTempDirectory("gmall-suite")

  override def afterEach(): Unit = {
    spark.streams.active.foreach(_.stop())
    FileUtils.deleteQuietly(dir.toFile)
  }

  def config(overrides: (String, String)*): StreamingConfig =
    StreamingConfig.of((Map(
      "lake.root" -> dir.resolve("lake").toString,
      "checkpoint.root" -> dir.resolve("checkpoints").toString,
      "trigger.seconds" -> "0", "bronze.trigger.seconds" -> "0") ++ overrides).asJava)

  /** Epoch ms of a local date-time in the business zone. */
  def at(localDateTime: String): Long = LocalDateTime.parse(localDateTime).atZone(zone).toInstant.toEpochMilli

  /** Kafka-shaped rows: (topic, partition, offset, timestamp, key, value). */
  class KafkaFeed(val defaultTopic: String) {
    private val session = spark
    private implicit val sqlContext: SQLContext = session.sqlContext
    import session.implicits._
    private val offsets = new AtomicLong()
    val stream: MemoryStream[(String, Int, Long, Long, String)] = MemoryStream[(String, Int, Long, Long, String)]

    def df: DataFrame = stream.toDF()
      .select(col("_1").as("topic"), col("_2").as("partition"), col("_3").as("offset"),
        col("_4").cast("timestamp").as("timestamp"), lit(null).cast("binary").as("key"), col("_5").cast("binary").as("value"))

    /** Appends one micro-batch of values (all on partition 0, consecutive offsets). */
    def send(values: String*): Unit = sendTo(defaultTopic, values: _*)

    def sendTo(topic: String, values: String*): Unit =
      stream.addData(values.map(v => (topic, 0, offsets.getAndIncrement(), 1764000000L, v)))
  }

  def drain(q: StreamingQuery): Unit = {
    q.processAllAvailable()
    assert(q.exception.isEmpty, q.exception.map(_.toString).getOrElse(""))
  }

  /**
   * The state a crash between "sink wrote" and "batch committed" leaves: the last commit file removed, so
   * the next start replays that batch with its id.
   */
  def forgetLastCommit(query: String, cfg: StreamingConfig): Long = {
    val commits = cfg.checkpoint(query).resolve("commits").toFile
    val last = commits.listFiles().filter(_.getName.forall(_.isDigit)).maxBy(_.getName.toLong)
    assert(last.delete())
    new java.io.File(commits, "." + last.getName + ".crc").delete()
    last.getName.toLong
  }
}

/** JSON of the contract's records, as the log servers and the CDC relay publish them. */
object Records {
  private var n = 0

  private def nextId(): String = { n += 1; f"00000000-0000-4000-8000-$n%012d" }

  def startup(mid: String, ts: Long, uid: String = "1", area: String = "beijing", eventId: String = null): String = {
    val id = Option(eventId).getOrElse(nextId())
    s"""{"schema_version":1,"event_id":"$id","type":"startup","mid":"$mid","uid":"$uid","os":"android","appid":"gmall","area":"$area","ch":"huawei","vs":"1.2.0","ts":$ts,"server_ts":$ts}"""
  }

  def event(mid: String, uid: String, evid: String, ts: Long, itemid: Int = 7, eventId: String = null): String = {
    val id = Option(eventId).getOrElse(nextId())
    s"""{"schema_version":1,"event_id":"$id","type":"event","mid":"$mid","uid":"$uid","os":"android","appid":"gmall","area":"beijing","ch":"huawei","vs":"1.2.0","ts":$ts,"server_ts":$ts,"evid":"$evid","pgid":1,"npgid":2,"itemid":$itemid}"""
  }

  /** A CDC envelope; {@code before}/{@code after} are JSON objects or null. */
  def cdc(table: String, op: String, before: String, after: String, ts: Long = 1764000000000L): String = {
    val fields = Seq(s""""op":"$op"""", s""""database":"gmall"""", s""""table":"$table"""") ++
      Option(before).map(b => s""""before":$b""") ++ Option(after).map(a => s""""after":$a""") ++
      Seq(s""""binlog":{"file":"mysql-bin.000001","position":4}""", s""""ts":$ts""")
    fields.mkString("{", ",", "}")
  }

  def order(id: Long, amount: String, createTime: String, status: String = "1001", userId: Long = 1, tel: String = "13812345678"): String =
    s"""{"id":$id,"consignee":"Li","consignee_tel":"$tel","total_amount":$amount,"order_status":"$status","user_id":$userId,"payment_way":"1","delivery_address":"x","province":"beijing","create_time":"$createTime","operate_time":null}"""
}
