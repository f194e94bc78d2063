package io.gmall.streaming

import java.nio.charset.StandardCharsets.UTF_8

import io.gmall.streaming.Records.{event, startup}
import org.apache.spark.sql.functions.{col, from_json}

class LogRowsSuite extends SparkSuite {

  private def parsed(json: String) = new LogValueParser(LogRows.SCHEMA).call(if (json == null) null else json.getBytes(UTF_8))

  private val values = Seq(
    startup("mid_1", 1764000000123L),
    event("mid_2", "7", "coupon", 1764000000456L, itemid = 42),
    """{"mid":"m","ts":1,"event_id":"e","extra":{"mid":"nested","list":[1,{"ts":2}]},"uid":null,"vs":1.5,"os":true}""",
    """{"mid":"first","mid":"last","ts":1,"event_id":"e"}""",
    """{"mid":"m","ts":"1","event_id":"e"}""",
    """{"mid":"m","ts":1,"event_id":"e","itemid":3000000000}""",
    """{"mid":"m","ts":1,"event_id":"e","pgid":{"n":1}}""",
    """{"mid":"m","ts":1,"event_id":"e","pgid":1.5}""",
    """{"mid":{"a":[1,"x"]},"ts":1,"event_id":"e","area":["north",2]}""",
    """{"mid":"m","ts":1""",
    """{"mid":"m","ts":1,"event_id":"trailing"} {"x""",
    "[1,2]",
    "not json",
    "",
    """{"mid":"m"}""")

  test("the fields of the contract, as from_json reads them, and records without device, time or id dropped") {
    val session = spark
    import session.implicits._
    val kafka = values.toDF("json").select(col("json").cast("binary").as("value"))
    val expected = kafka.select(from_json(col("value").cast("string"), LogRows.SCHEMA).as("r")).select("r.*")
      .filter(col("mid").isNotNull && col("ts").isNotNull && col("event_id").isNotNull)
    val actual = LogRows.parse(kafka)
    assert(actual.schema == expected.schema)
    assert(actual.collect().map(_.toString).sorted.toSeq == expected.collect().map(_.toString).sorted.toSeq)
    assert(actual.count() == 9, "all but the ones that are no JSON object or lack a time")
  }

  test("named fields only: the same values as the whole record's, with the id, device and time always kept") {
    val session = spark
    import session.implicits._
    val kafka = values.toDF("json").select(col("json").cast("binary").as("value"))
    val some = LogRows.parse(kafka, "uid", "itemid")
    assert(some.columns.toSeq == Seq("event_id", "mid", "uid", "ts", "itemid"), "in the contract's order")
    assert(some.collect().map(_.toString).sorted.toSeq ==
      LogRows.parse(kafka).select(some.columns.map(col): _*).collect().map(_.toString).sorted.toSeq)
    val refused = intercept[IllegalArgumentException](LogRows.parse(kafka, "uid", "price"))
    assert(refused.getMessage.contains("price"))
  }

  test("a value that is one JSON object becomes a row, a field of the wrong type null in it; anything else no row") {
    val row = parsed(event("mid_2", "7", "coupon", 1764000000456L, itemid = 42))
    assert(row.getAs[String](LogRows.SCHEMA.fieldIndex("mid")) == "mid_2")
    assert(row.getAs[Long](LogRows.SCHEMA.fieldIndex("ts")) == 1764000000456L)
    assert(row.getAs[Int](LogRows.SCHEMA.fieldIndex("itemid")) == 42)
    val wrong = parsed("""{"mid":"m","ts":"1","pgid":3000000000,"npgid":{"n":[1]},"itemid":2}""")
    assert(Seq("ts", "pgid", "npgid").forall(f => wrong.isNullAt(LogRows.SCHEMA.fieldIndex(f))))
    assert(wrong.getAs[String](LogRows.SCHEMA.fieldIndex("mid")) == "m" && wrong.getAs[Int](LogRows.SCHEMA.fieldIndex("itemid")) == 2)
    Seq(null, "", "[1]", "not json", "1", """{"mid":"m","ts":1""").foreach { json =>
      assert(parsed(json) == null, String.valueOf(json))
    }
  }
}
