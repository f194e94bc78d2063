package io.gmall.streaming

import java.time.Duration

import org.apache.spark.sql.catalyst.streaming.StreamingRelationV2

import io.gmall.streaming.store.{InMemoryDocumentIndex, InMemoryRowStore, InMemoryStateStore, StoreRetry}

class StreamingAppSuite extends SparkSuite {

  /** The options the Kafka source of a query is given (nothing connects before a query starts). */
  private def kafkaOptions(query: String, cfg: StreamingConfig): Map[String, String] = {
    val q = StreamingApp.query(query, cfg, new InMemoryStateStore, new InMemoryRowStore, new InMemoryDocumentIndex, new StoreRetry(1, Duration.ofMillis(10)))
    StreamingApp.kafka(spark, cfg, q).queryExecution.logical.collectFirst { case r: StreamingRelationV2 => r.extraOptions.asCaseSensitiveMap() }
      .map(m => scala.collection.JavaConverters.mapAsScalaMap(m).toMap).getOrElse(fail("no streaming source in the plan"))
  }

  test("bronze reads up to its own cap a batch, the other queries up to theirs") {
    val cfg = config("max.offsets.per.trigger" -> "1000", "bronze.max.offsets.per.trigger" -> "6000")
    assert(kafkaOptions("bronze", cfg)("maxOffsetsPerTrigger") == "6000")
    for (q <- Seq("dau", "gmv", "alerts", "sale"))
      assert(kafkaOptions(q, cfg)("maxOffsetsPerTrigger") == "1000", q)
  }

  test("by default bronze's cap over its trigger keeps up with at least the rate the other queries' cap allows") {
    val cfg = StreamingConfig.load(null, java.util.Map.of(), new java.util.Properties())
    assert(cfg.maxOffsetsOf("bronze").toDouble / cfg.bronzeTrigger.toSeconds >= cfg.maxOffsetsOf("dau").toDouble / cfg.trigger.toSeconds)
  }
}
