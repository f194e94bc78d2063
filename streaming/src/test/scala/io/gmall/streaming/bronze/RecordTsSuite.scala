package io.gmall.streaming.bronze

import java.nio.charset.StandardCharsets.UTF_8

import org.scalatest.funsuite.AnyFunSuite

class RecordTsSuite extends AnyFunSuite {

  private def ts(json: String): java.lang.Long = new RecordTs().call(if (json == null) null else json.getBytes(UTF_8))

  test("the top-level ts, an integer or a string holding one") {
    assert(ts("""{"mid":"m","ts":1764000000123}""") == 1764000000123L)
    assert(ts("""{"ts":" 1764000000123 ","mid":"m"}""") == 1764000000123L)
  }

  test("a ts nested in an earlier field is skipped, with the arrays and objects around it") {
    assert(ts("""{"data":{"ts":1},"old":[{"ts":2},[3]],"ts":42}""") == 42L)
    assert(ts("""{"data":{"ts":1}}""") == null)
  }

  test("anything else is no time, so bronze falls back to the Kafka timestamp") {
    Seq(null, "", "not json", "[1,2]", """{"mid":"m"}""", """{"ts":1.5}""", """{"ts":"soon"}""", """{"ts":null}""",
      """{"ts":{"ms":1}}""", """{"ts":99999999999999999999}""", """{"mid":"m","ts":""").foreach { json =>
      assert(ts(json) == null, String.valueOf(json))
    }
  }
}
