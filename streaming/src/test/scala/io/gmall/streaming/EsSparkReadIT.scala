package io.gmall.streaming

import java.net.URI
import java.net.http.{HttpClient, HttpRequest, HttpResponse}
import java.util.UUID

import org.apache.spark.sql.SparkSession
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

/**
 * elasticsearch-spark reads from the local Elasticsearch: it calls GET / on every connection to detect
 * the version, which the integ-test distribution answers only through the gmall-root plugin.
 */
class EsSparkReadIT extends AnyFunSuite with BeforeAndAfterAll {

  private val esUrl = sys.env.getOrElse("GMALL_ES_URL",
    throw new IllegalStateException("GMALL_ES_URL is not set: run through ./gmall test, or eval \"$(./gmall env)\""))
  private val index = "gmall_sale_detail_it_" + UUID.randomUUID().toString.take(8)
  private val http = HttpClient.newHttpClient()
  private var spark: SparkSession = _

  private def send(method: String, path: String, body: String = null): HttpResponse[String] = {
    val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body)
    val request = HttpRequest.newBuilder(URI.create(esUrl + path))
      .header("Content-Type", "application/json").method(method, publisher).build()
    http.send(request, HttpResponse.BodyHandlers.ofString())
  }

  override def beforeAll(): Unit = {
    spark = SparkSession.builder()
      .master("local[1]")
      .appName("EsSparkReadIT")
      .config("spark.ui.enabled", "false")
      .config("spark.driver.host", "127.0.0.1")
      .config("spark.driver.bindAddress", "127.0.0.1")
      .config("spark.sql.shuffle.partitions", "1")
      .getOrCreate()
  }

  override def afterAll(): Unit = {
    send("DELETE", "/" + index)
    if (spark != null) spark.stop()
  }

  test("a Spark local session reads the documents of a gmall index") {
    val skus = Seq("d1" -> "Xiaomi phone red", "d2" -> "Xiaomi phone black", "d3" -> "Huawei laptop")
    for ((id, name) <- skus) {
      val status = send("PUT", s"/$index/_doc/$id",
        s"""{"order_detail_id":"$id","sku_name":"$name","sku_num":2,"dt":"2026-11-24"}""").statusCode()
      assert(status == 200 || status == 201, s"indexing $id answered $status")
    }
    send("POST", s"/$index/_refresh")

    val uri = URI.create(esUrl)
    val df = spark.read.format("es")
      .option("es.nodes", uri.getHost)
      .option("es.port", uri.getPort.toString)
      .option("es.nodes.wan.only", "true")
      .load(index)

    assert(df.count() == 3)
    val phones = df.filter(df("sku_name").contains("phone")).select("order_detail_id").collect().map(_.getString(0)).sorted
    assert(phones.toSeq == Seq("d1", "d2"))
    assert(df.agg(org.apache.spark.sql.functions.sum("sku_num")).head().getLong(0) == 6)
  }
}
