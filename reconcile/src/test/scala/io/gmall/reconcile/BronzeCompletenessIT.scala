package io.gmall.reconcile

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import java.time.Instant
import java.util.Properties

import scala.collection.JavaConverters._

import io.gmall.streaming.StackEnv
import org.apache.kafka.clients.admin.{Admin, NewTopic}
import org.apache.kafka.clients.producer.{KafkaProducer, ProducerRecord}
import org.apache.kafka.common.serialization.StringSerializer
import org.scalatest.funsuite.AnyFunSuite

/**
 * "Day D is complete in bronze" against the stack's Kafka, while records after the day's cut keep arriving: bronze's
 * checkpoint (written here as the bronze query writes it) that has read everything stamped before the cut is complete,
 * however much Kafka holds beyond it; one record short is not.
 */
class BronzeCompletenessIT extends AnyFunSuite {

  private val cut = Instant.now().minusSeconds(3600)

  test("bronze is complete once it has read what reached Kafka before the cut, while records after the cut still arrive") {
    val run = StackEnv.unique("")
    val topic = s"it.$run.events"
    val kafka = new Properties()
    kafka.put("bootstrap.servers", StackEnv("GMALL_KAFKA_BOOTSTRAP"))
    val admin = Admin.create(kafka)
    val checkpoints = Files.createTempDirectory("completeness-it")
    try {
      admin.createTopics(Seq(new NewTopic(topic, 2, 1.toShort)).asJava).all().get()
      // Partition 0: 5 records before the cut and 3 after; partition 1: 2 before and none after yet.
      send(kafka, topic, 0, before = 5, after = 3)
      send(kafka, topic, 1, before = 2, after = 0)
      val cfg = StackEnv.config(Map("checkpoint.root" -> checkpoints.toString, "topic.bronze.pattern" -> s"it\\.$run\\..+"))

      assert(BronzeCompleteness.check(cfg, cut).behindByTopic().asScala == Map(topic -> 7L), "no batch committed yet")
      commit(checkpoints.resolve("bronze"), 0, topic, Map(0 -> 4L, 1 -> 2L))
      assert(BronzeCompleteness.check(cfg, cut).behindByTopic().asScala == Map(topic -> 1L))
      commit(checkpoints.resolve("bronze"), 1, topic, Map(0 -> 5L, 1 -> 2L))
      assert(BronzeCompleteness.check(cfg, cut).complete(), "the 3 records after the cut are not the day's")
      // What arrives after the cut, in a partition that had none, does not move the point either.
      send(kafka, topic, 1, before = 0, after = 4)
      assert(BronzeCompleteness.check(cfg, cut).complete())
      // A cut of now (a forced run before the day's end plus grace) needs everything Kafka holds.
      assert(BronzeCompleteness.check(cfg, Instant.now()).behindByTopic().asScala == Map(topic -> 7L))
    } finally {
      admin.deleteTopics(Seq(topic).asJava).all().get()
      admin.close()
    }
  }

  /** Records stamped a minute before the cut, then a minute after it (the producer's own stamp, as the log servers send). */
  private def send(kafka: Properties, topic: String, partition: Int, before: Int, after: Int): Unit = {
    val producer = new KafkaProducer[String, String](kafka, new StringSerializer, new StringSerializer)
    try {
      val stamps = Seq.fill(before)(cut.minusSeconds(60)) ++ Seq.fill(after)(cut.plusSeconds(60))
      for ((ts, i) <- stamps.zipWithIndex) {
        producer.send(new ProducerRecord[String, String](topic, Int.box(partition), Long.box(ts.toEpochMilli), s"k$i", "{}")).get()
      }
    } finally producer.close()
  }

  /** Batch {@code batch} of the bronze query committed, having read up to {@code offsets}: its offset log, then its commit. */
  private def commit(checkpoint: Path, batch: Int, topic: String, offsets: Map[Int, Long]): Unit = {
    Files.createDirectories(checkpoint.resolve("offsets"))
    Files.createDirectories(checkpoint.resolve("commits"))
    val source = offsets.map { case (p, o) => "\"" + p + "\":" + o }.mkString("{\"" + topic + "\":{", ",", "}}")
    Files.write(checkpoint.resolve("offsets").resolve(batch.toString),
      Seq("v1", "{\"batchWatermarkMs\":0,\"batchTimestampMs\":0,\"conf\":{}}", source).asJava, StandardCharsets.UTF_8)
    Files.write(checkpoint.resolve("commits").resolve(batch.toString), Seq("v1", "{\"nextBatchWatermarkMs\":0}").asJava, StandardCharsets.UTF_8)
  }
}
