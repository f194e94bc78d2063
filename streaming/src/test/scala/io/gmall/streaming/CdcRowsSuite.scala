package io.gmall.streaming

import scala.collection.JavaConverters._

import io.gmall.streaming.Records.{cdc, order}
import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.functions.col

class CdcRowsSuite extends SparkSuite {

  private val orders = "gmall.cdc.order_info"
  private val users = "gmall.cdc.user_info"

  private def user(id: Long, level: String) =
    s"""{"id":$id,"user_level":"$level","birthday":"1990-01-01","gender":"F","create_time":"2026-01-01T00:00:00","operate_time":null}"""

  /** A micro-batch of Kafka rows (topic, partition, offset, value), spread over Spark partitions in the order given. */
  private def batch(rows: (String, Int, Long, String)*): DataFrame = {
    val session = spark
    import session.implicits._
    rows.toDF("topic", "partition", "offset", "v").repartition(3).select(col("topic"), col("partition"), col("offset"), col("v").cast("binary").as("value"))
  }

  private def collect(df: DataFrame) =
    CdcRows.collectInBinlogOrder(df, Map(orders -> CdcRows.ORDER_INFO, users -> CdcRows.USER_INFO).asJava).asScala.map {
      case (topic, rows) => topic -> rows.asScala.map(r => (r.getAs[String]("op"), Option(r.getAs[org.apache.spark.sql.Row]("after")).map(_.getAs[Any]("id")))).toList
    }.toMap

  test("each table's changes come in binlog order (partition, then offset) from one pass over the batch") {
    val changes = collect(batch(
      (orders, 1, 7L, cdc("order_info", "u", order(2, "1.00", "2026-11-24T02:00:00"), order(2, "2.00", "2026-11-24T02:00:00"))),
      (users, 0, 3L, cdc("user_info", "u", user(5, "1"), user(5, "2"))),
      (orders, 0, 9L, cdc("order_info", "d", order(1, "1.00", "2026-11-24T02:00:00"), null)),
      (orders, 1, 6L, cdc("order_info", "c", null, order(2, "1.00", "2026-11-24T02:00:00"))),
      (orders, 0, 8L, cdc("order_info", "c", null, order(1, "1.00", "2026-11-24T02:00:00"))),
      (users, 0, 2L, cdc("user_info", "c", null, user(5, "1")))))
    assert(changes(orders) == List(("c", Some(1L)), ("d", None), ("c", Some(2L)), ("u", Some(2L))))
    assert(changes(users) == List(("c", Some(5L)), ("u", Some(5L))))
  }

  test("records that change no row, malformed values and other topics are left out; a table without changes is empty") {
    val changes = collect(batch(
      (orders, 0, 1L, cdc("order_info", "r", null, order(1, "1.00", "2026-11-24T02:00:00"))),
      (orders, 0, 2L, "{not json"),
      (orders, 0, 3L, cdc("order_info", "c", null, order(3, "1.00", "2026-11-24T02:00:00"))),
      ("gmall.cdc.order_detail", 0, 4L, cdc("order_detail", "c", null, """{"id":9}"""))))
    assert(changes(orders) == List(("c", Some(3L))))
    assert(changes(users) == Nil)
  }
}
