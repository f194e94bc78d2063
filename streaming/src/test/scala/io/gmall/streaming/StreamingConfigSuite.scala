package io.gmall.streaming

import java.nio.file.Files
import java.util.Properties

import scala.collection.JavaConverters._

import org.scalatest.funsuite.AnyFunSuite

class StreamingConfigSuite extends AnyFunSuite {

  private def load(env: Map[String, String] = Map.empty, system: Map[String, String] = Map.empty, file: String = null): StreamingConfig = {
    val props = new Properties()
    system.foreach { case (k, v) => props.setProperty(k, v) }
    val path = Option(file).map { text => val f = Files.createTempFile("streaming", ".properties"); Files.writeString(f, text); f }.orNull
    StreamingConfig.load(path, env.asJava, props)
  }

  test("the defaults alone make a valid configuration for the local stack") {
    val c = load()
    assert(c.kafkaBootstrap == "127.0.0.1:19092")
    assert(c.businessZone.getId == "Asia/Shanghai")
    assert(c.queries.asScala.toSet == StreamingConfig.QUERIES.asScala.toSet)
    assert(c.checkpoint("dau").toString == "var/lake/_checkpoints/dau")
  }

  test("every default key is documented by a comment in the defaults file") {
    val lines = new String(getClass.getClassLoader.getResourceAsStream(StreamingConfig.DEFAULTS).readAllBytes(), "UTF-8").split("\n").toSeq
    val undocumented = lines.indices.filter(i => lines(i).startsWith(StreamingConfig.PREFIX))
      .filter(i => !lines.take(i).reverse.takeWhile(l => !l.trim.isEmpty).exists(_.startsWith("#")))
      .map(lines(_))
    assert(undocumented.isEmpty)
  }

  test("the file, the stack's shared variables, GMALL_STREAMING_* and system properties override in that order") {
    val c = load(
      env = Map("GMALL_KAFKA_BOOTSTRAP" -> "broker:9092", "GMALL_STREAMING_TRIGGER_SECONDS" -> "7", "GMALL_BUSINESS_ZONE" -> "UTC"),
      system = Map("gmall.streaming.trigger.seconds" -> "9"),
      file = "gmall.streaming.watermark.seconds=30\ngmall.streaming.trigger.seconds=3\n")
    assert(c.kafkaBootstrap == "broker:9092")
    assert(c.trigger.getSeconds == 9)
    assert(c.watermark.getSeconds == 30)
    assert(c.businessZone.getId == "UTC")
  }

  test("every problem is reported at once, naming the key") {
    val e = intercept[IllegalArgumentException](load(system = Map(
      "gmall.streaming.trigger.seconds" -> "soon",
      "gmall.streaming.business.zone" -> "Mars/Olympus",
      "gmall.streaming.alert.slide.minutes" -> "2",
      "gmall.streaming.queries" -> "dau,nope",
      "gmall.streaming.redis.url" -> "localhost")))
    for (key <- Seq("trigger.seconds", "business.zone", "alert.slide.minutes", "queries", "redis.url"))
      assert(e.getMessage.contains("gmall.streaming." + key), e.getMessage)
  }

  test("an unknown key is refused rather than ignored") {
    val e = intercept[IllegalArgumentException](load(env = Map("GMALL_STREAMING_TRIGER_SECONDS" -> "1")))
    assert(e.getMessage.contains("gmall.streaming.triger.seconds"))
  }
}
