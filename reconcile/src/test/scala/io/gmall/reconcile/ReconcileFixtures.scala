package io.gmall.reconcile

import java.time.LocalDate

import io.gmall.streaming.{Records, SparkSuite, StreamingConfig}
import io.gmall.streaming.bronze.BronzeQuery
import io.gmall.streaming.store.StoreRetry
import org.apache.spark.sql.SaveMode
import org.apache.spark.sql.functions.col

/**
 * A lake written the way the stream writes it (BronzeQuery's rows) for a business day D in Asia/Shanghai: startups
 * with a copy, a late arrival and both midnights; orders updated, deleted and resent around D's midnight in the
 * source zone (UTC). What the recompute must find is spelled out beside each test.
 */
trait ReconcileFixtures extends SparkSuite {

  private var offset = 0L

  /** Appends values to a bronze table exactly as the bronze query lands them (its own columns and dt). */
  def bronze(cfg: StreamingConfig, topic: String, values: String*): Unit = {
    val session = spark
    import session.implicits._
    val kafka = values.map { v => offset += 1; (topic, 0, offset, 1764000000L, v) }.toDF("topic", "partition", "offset", "ts", "value")
      .select(col("topic"), col("partition"), col("offset"), col("ts").cast("timestamp").as("timestamp"),
        col("topic").cast("binary").as("key"), col("value").cast("binary").as("value"))
    new BronzeQuery(cfg, new StoreRetry(1, java.time.Duration.ofMillis(10))).rows(kafka)
      .write.format("delta").mode(SaveMode.Append).partitionBy("dt").save(cfg.bronzeTable(topic).toString)
  }

  /** A CDC envelope of order_info with its binlog position. */
  def orderChange(op: String, before: String, after: String, position: Long): String = change("order_info", op, before, after, position)

  /** A CDC envelope of a table with its binlog position. */
  def change(table: String, op: String, before: String, after: String, position: Long): String = {
    val fields = Seq(s""""op":"$op"""", s""""database":"gmall"""", s""""table":"$table"""") ++
      Option(before).map(b => s""""before":$b""") ++ Option(after).map(a => s""""after":$a""") ++
      Seq(s""""binlog":{"file":"mysql-bin.000001","position":$position}""", s""""ts":1764000000000""")
    fields.mkString("{", ",", "}")
  }

  private def previous(day: String) = LocalDate.parse(day).minusDays(1).toString
  private def next(day: String) = LocalDate.parse(day).plusDays(1).toString

  /**
   * mid_a: a startup the evening before D (returning), first visit at D 00:00:01 (sent twice), another at 10:00.
   * mid_b: new on D; first sent at 09:30, then hours late a startup at 07:15, its real first visit. mid_c: D+1 00:00.
   * So D: dau_00 = 1, dau_07 = 1, new_07 = 1, dau = 2, new_mid = 1.
   */
  def startups(cfg: StreamingConfig, day: String): Unit = {
    bronze(cfg, cfg.startupTopic,
      Records.startup("mid_a", at(s"${previous(day)}T23:59:59"), eventId = s"$day-a-yesterday"),
      Records.startup("mid_a", at(s"${day}T00:00:01"), eventId = s"$day-a-midnight"),
      Records.startup("mid_a", at(s"${day}T00:00:01"), eventId = s"$day-a-midnight"),
      Records.startup("mid_a", at(s"${day}T10:00:00"), eventId = s"$day-a-later"),
      Records.startup("mid_b", at(s"${day}T09:30:00"), eventId = s"$day-b"),
      Records.startup("mid_c", at(s"${next(day)}T00:00:00"), eventId = s"$day-c-next-day"))
    bronze(cfg, cfg.startupTopic, Records.startup("mid_b", at(s"${day}T07:15:00"), eventId = s"$day-b-late"))
  }

  /**
   * Order 1 (D 08:30 in Asia/Shanghai) corrected from 10.00 to 12.50, a stale copy of its insert after the update;
   * order 2 deleted; order 3 at D 00:00:00 and order 4 one second before D. So D: count_00 = 1, amount_00 = 7.25,
   * count_08 = 1, amount_08 = 12.50, order_count = 2, order_amount = 19.75.
   */
  def orders(cfg: StreamingConfig, day: String): Unit = {
    val o1 = Records.order(1, "10.00", s"${day}T00:30:00")
    val o1Corrected = Records.order(1, "12.50", s"${day}T00:30:00", status = "1002")
    val o2 = Records.order(2, "99.00", s"${day}T03:00:00")
    val o3 = Records.order(3, "7.25", s"${previous(day)}T16:00:00")
    val o4 = Records.order(4, "5.00", s"${previous(day)}T15:59:59")
    bronze(cfg, cfg.orderTopic,
      orderChange("c", null, o1, 100),
      orderChange("u", o1, o1Corrected, 300),
      orderChange("c", null, o1, 100),
      orderChange("c", null, o2, 110),
      orderChange("d", o2, null, 400),
      orderChange("c", null, o3, 120),
      orderChange("c", null, o4, 130))
  }

  /**
   * Coupon claims with no click: mid_x by users 1, 2, 3 at D 10:00:10, 10:01:00, 10:02:00 (the 5-minute windows
   * sliding by a minute that hold all three end at 10:03, 10:04 and 10:05); mid_y by the same users at D-1
   * 23:58:30, 23:59:00, 23:59:30 (windows ending at D 00:00, which is D-1's last, then 00:01, 00:02, 00:03); mid_z
   * claims as often but clicks an item. So D has six alerts: mid_x at 10:03-10:05 and mid_y at 00:01-00:03.
   */
  def events(cfg: StreamingConfig, day: String): Unit = {
    val d = s"${day}T"
    val y = s"${previous(day)}T"
    bronze(cfg, cfg.eventTopic,
      Records.event("mid_x", "1", "coupon", at(d + "10:00:10")), Records.event("mid_x", "2", "coupon", at(d + "10:01:00")),
      Records.event("mid_x", "3", "coupon", at(d + "10:02:00")),
      Records.event("mid_y", "1", "coupon", at(y + "23:58:30")), Records.event("mid_y", "2", "coupon", at(y + "23:59:00")),
      Records.event("mid_y", "3", "coupon", at(y + "23:59:30")),
      Records.event("mid_z", "1", "coupon", at(d + "12:00:00")), Records.event("mid_z", "2", "coupon", at(d + "12:00:30")),
      Records.event("mid_z", "3", "coupon", at(d + "12:01:00")), Records.event("mid_z", "3", "clickItem", at(d + "12:01:30")))
  }

  /** The alert ids the events give for D. */
  def expectedAlerts(day: String): Set[String] =
    Set("10:03", "10:04", "10:05").map(t => s"mid_x|${at(s"${day}T$t:00")}") ++
      Set("00:01", "00:02", "00:03").map(t => s"mid_y|${at(s"${day}T$t:00")}")

  def detail(id: Long, orderId: Long, price: String, skuNum: Int = 1): String =
    s"""{"id":$id,"order_id":$orderId,"sku_id":5,"sku_name":"Xiaomi phone 5","order_price":$price,"sku_num":$skuNum,"create_time":"2026-11-24T00:30:00"}"""

  def user(level: String, operateTime: String): String =
    s"""{"id":1,"user_level":"$level","birthday":"2000-06-01","gender":"F","create_time":"2000-01-01T00:00:00",""" +
      Option(operateTime).map(t => s""""operate_time":"$t"}""").getOrElse(""""operate_time":null}""")

  /**
   * The orders' details and their user. Order 1 (D 08:30) has detail 11 and detail 12, which is deleted; order 3
   * (D 00:00) has detail 31; order 2 (deleted) detail 21; order 4 (D-1) detail 41. User 1 is level 1 until D 00:10
   * in Asia/Shanghai, then level 2. So D's sale detail: 11 (level 2: its order came after the change) and 31
   * (level 1: before it).
   */
  def sales(cfg: StreamingConfig, day: String): Unit = {
    bronze(cfg, cfg.detailTopic,
      change("order_detail", "c", null, detail(11, 1, "12.50"), 101),
      change("order_detail", "c", null, detail(12, 1, "3.00"), 102),
      change("order_detail", "d", detail(12, 1, "3.00"), null, 310),
      change("order_detail", "c", null, detail(21, 2, "99.00"), 111),
      change("order_detail", "c", null, detail(31, 3, "7.25"), 121),
      change("order_detail", "c", null, detail(41, 4, "5.00"), 131))
    // The level changes at D 00:10 in the business zone (D-1 16:10 UTC): after order 3 (D 00:00), before order 1 (D 08:30).
    bronze(cfg, cfg.userTopic,
      change("user_info", "c", null, user("1", null), 1),
      change("user_info", "u", user("1", null), user("2", s"${previous(day)}T16:10:00"), 115))
  }

  /** The documents' ids and user levels the fixtures recompute to for D. */
  val expectedSaleLevels = Map("11" -> "2", "31" -> "1")

  /** The HBase rows the fixtures recompute to, in the cells that are not zero. */
  val expectedDau = Map("dau_00" -> "1", "dau_07" -> "1", "new_07" -> "1", "dau" -> "2", "new_mid" -> "1")
  val expectedGmv = Map("count_00" -> "1", "amount_00" -> "7.25", "count_08" -> "1", "amount_08" -> "12.50",
    "order_count" -> "2", "order_amount" -> "19.75")

  /** The non-zero cells of an hourly row. */
  def nonZero(row: Map[String, String]): Map[String, String] = row.filter { case (_, v) => BigDecimal(v) != 0 }
}
