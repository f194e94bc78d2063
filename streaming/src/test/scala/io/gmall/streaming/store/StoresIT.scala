package io.gmall.streaming.store

import java.net.URI
import java.net.http.{HttpClient, HttpRequest, HttpResponse}

import scala.collection.JavaConverters._

import io.gmall.streaming.{SparkSuite, StackEnv}
import org.apache.hadoop.hbase.{HBaseConfiguration, TableName}
import org.apache.hadoop.hbase.client.{ConnectionFactory, Get}
import org.apache.hadoop.hbase.util.Bytes

/**
 * The store adapters against the real servers. Redis is checked differentially: the same operations on
 * Redis and on the in-memory model the suites use must give the same answers, so the suites' model is
 * the real thing.
 */
class StoresIT extends SparkSuite {

  private def scores(m: Map[String, Long]): java.util.Map[String, java.lang.Long] = m.map { case (k, v) => k -> Long.box(v) }.asJava

  test("Redis answers every StateStore operation as the in-memory model does") {
    val redis = new RedisStateStore(URI.create(StackEnv("GMALL_REDIS_URL")), StackEnv.unique("it-") + ":")
    val model = new InMemoryStateStore
    try {
      for (s <- Seq[StateStore](redis, model)) {
        s.addLowest("z", scores(Map("a" -> 50L, "b" -> 20L)))
        s.addLowest("z", scores(Map("a" -> 30L, "b" -> 40L, "c" -> 10L)))
        s.addIfAbsent("w", scores(Map("x" -> 5L)))
        s.addIfAbsent("w", scores(Map("x" -> 1L, "y" -> 2L)))
        s.addScored(Map("u" -> scores(Map("v1" -> 100L, "v2" -> 200L, "v0" -> 0L)), "u2" -> scores(Map("only" -> 7L))).asJava)
        s.hashPut(Map("h" -> Map("1" -> "1.50", "2" -> "2.25").asJava, "h2" -> Map("x" -> "y").asJava).asJava)
        s.hashDelete(Map("h" -> List("2", "3").asJava, "h2" -> List("x").asJava).asJava)
        s.setAdd("s", List("d1", "d2").asJava)
        s.setRemove("s", List("d1").asJava)
        s.setText(Map("t" -> "{}", "t2" -> "[]").asJava)
      }
      for ((what, answer) <- Seq[(String, StateStore => Any)](
        "scores" -> (_.scores("z", List("a", "b", "c", "missing").asJava).asScala.toList),
        "countRanges" -> (_.countRanges("z", Array(0L, 20L, 31L, 100L)).toList),
        "addIfAbsent" -> (_.scores("w", List("x", "y").asJava).asScala.toList),
        "latest at 150, at 200, before all, of nothing, of another key" -> (_.latestAtOrBefore(
          List("u", "u", "u", "none", "u2").asJava, List(150L, 200L, -5L, 5L, 7L).map(Long.box).asJava).asScala.toList),
        "hashes, one emptied, one absent" -> (_.hashGetAll(List("h", "h2", "none").asJava).asScala.map(_.asScala.toMap).toList),
        "set" -> (_.setMembers("s").asScala.toSet),
        "texts" -> (_.getText(List("t", "none", "t2").asJava).asScala.toList),
        "exists" -> (s => (s.exists("t"), s.exists("none"))),
        "pop" -> (s => (s.popScoredBelow("u", 150L).asScala.toSet, s.scores("u", List("v0", "v1", "v2").asJava).asScala.toList)))) {
        assert(answer(redis) == answer(model), what)
      }
      for (s <- Seq[StateStore](redis, model)) s.delete(List("z", "w", "u", "u2", "h", "h2", "s", "t", "t2").asJava)
      assert(!redis.exists("z") && !redis.exists("t"))
    } finally redis.close()
  }

  test("HBase puts whole rows of text cells and deletes them") {
    val rows = new HbaseRowStore(StackEnv("GMALL_HBASE_ZOOKEEPER_QUORUM"), StackEnv("GMALL_HBASE_ZOOKEEPER_PORT").toInt, "gmall")
    val conf = HBaseConfiguration.create()
    conf.set("hbase.zookeeper.quorum", StackEnv("GMALL_HBASE_ZOOKEEPER_QUORUM"))
    conf.set("hbase.zookeeper.property.clientPort", StackEnv("GMALL_HBASE_ZOOKEEPER_PORT"))
    val connection = ConnectionFactory.createConnection(conf)
    val key = "1999-01-01|" + StackEnv.unique("mid_it_")
    try {
      rows.put("dau", "info", Map(key -> Map("mid" -> "m", "ts" -> "915148800000").asJava).asJava)
      val table = connection.getTable(TableName.valueOf("gmall", "dau"))
      val got = table.get(new Get(Bytes.toBytes(key)))
      assert(Bytes.toString(got.getValue(Bytes.toBytes("info"), Bytes.toBytes("ts"))) == "915148800000")
      rows.delete("dau", List(key).asJava)
      assert(table.get(new Get(Bytes.toBytes(key))).isEmpty)
      table.close()
    } finally {
      rows.close()
      connection.close()
    }
  }

  test("Elasticsearch: documents written twice under their ids exist once, with the index template's mapping, and delete by id") {
    val url = URI.create(StackEnv("GMALL_ES_URL"))
    val es = new EsDocumentIndex(url)
    val index = StackEnv.unique("gmall_coupon_alert_it_")
    val http = HttpClient.newHttpClient()
    def get(path: String) = http.send(HttpRequest.newBuilder(url.resolve(path)).build(), HttpResponse.BodyHandlers.ofString())
    try {
      val session = spark
      import session.implicits._
      val docs = Seq(("m1|60000", "m1", Seq("1", "2", "3"), 0L, 60000L, 60000L, "1970-01-01"),
        ("m2|60000", "m2", Seq("4", "5", "6"), 0L, 60000L, 60000L, "1970-01-01"))
        .toDF("alert_id", "mid", "uids", "window_start", "window_end", "alert_time", "dt")
      es.index(index, docs, "alert_id")
      es.index(index, docs, "alert_id")
      http.send(HttpRequest.newBuilder(url.resolve(s"/$index/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
      assert(get(s"/$index/_count").body().contains("\"count\":2"))
      assert(get(s"/$index/_mapping").body().contains("\"dynamic\":\"strict\""), "the gmall_coupon_alert template applied")
      es.delete(index, List("m1|60000", "absent").asJava)
      http.send(HttpRequest.newBuilder(url.resolve(s"/$index/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
      assert(get(s"/$index/_count").body().contains("\"count\":1"))
    } finally http.send(HttpRequest.newBuilder(url.resolve("/" + index)).DELETE().build(), HttpResponse.BodyHandlers.ofString())
  }
}
