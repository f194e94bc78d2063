package io.gmall.streaming.bronze

import java.util.Properties
import java.util.concurrent.ConcurrentLinkedQueue

import scala.collection.JavaConverters._

import io.gmall.streaming.StackEnv
import org.apache.kafka.clients.admin.{AdminClient, AdminClientConfig, NewTopic}
import org.apache.kafka.clients.producer.{KafkaProducer, ProducerConfig, ProducerRecord}
import org.apache.kafka.common.serialization.StringSerializer
import org.apache.spark.sql.{DataFrame, SparkSession}
import org.apache.spark.sql.streaming.Trigger
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

/** A micro-batch read from the stack's Kafka tells which topic each of its partitions holds, from its plan alone. */
class KafkaLineageIT extends AnyFunSuite with BeforeAndAfterAll {

  private val bootstrap = StackEnv("GMALL_KAFKA_BOOTSTRAP")
  private val prefix = StackEnv.unique("gmall.it.lineage.")
  private val topics = Seq(prefix + ".a", prefix + ".b")
  private var spark: SparkSession = _
  private var admin: AdminClient = _

  override def beforeAll(): Unit = {
    spark = SparkSession.builder().master("local[2]").appName("KafkaLineageIT")
      .config("spark.ui.enabled", "false")
      .config("spark.driver.host", "127.0.0.1")
      .config("spark.driver.bindAddress", "127.0.0.1")
      .getOrCreate()
    val props = new Properties()
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)
    admin = AdminClient.create(props)
    admin.createTopics(Seq(new NewTopic(topics(0), 3, 1.toShort), new NewTopic(topics(1), 2, 1.toShort)).asJava).all().get()
  }

  override def afterAll(): Unit = {
    if (admin != null) {
      admin.deleteTopics(topics.asJava).all().get()
      admin.close()
    }
    if (spark != null) spark.stop()
  }

  test("each partition's topic, as a scan of the rows finds it") {
    val props = new Properties()
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)
    val producer = new KafkaProducer[String, String](props, new StringSerializer, new StringSerializer)
    try {
      for (topic <- topics; partition <- 0 until (if (topic == topics(0)) 3 else 2); n <- 1 to 5) {
        producer.send(new ProducerRecord(topic, partition, null, s"""{"ts":$n}""")).get()
      }
    } finally producer.close()

    val seen = new ConcurrentLinkedQueue[(Option[Map[String, Set[Int]]], Map[String, Set[Int]])]()
    val source = spark.readStream.format("kafka")
      .option("kafka.bootstrap.servers", bootstrap)
      .option("subscribePattern", java.util.regex.Pattern.quote(prefix) + ".*")
      .option("startingOffsets", "earliest")
      .load()
    val q = new BronzeQuery(StackEnv.config(Map.empty), null).rows(source).writeStream
      .option("checkpointLocation", java.nio.file.Files.createTempDirectory("lineage").toString)
      .trigger(Trigger.AvailableNow())
      .foreachBatch { (batch: DataFrame, _: Long) =>
        val fromPlan = KafkaLineage.topicsOfPartitions(batch.queryExecution.toRdd)
        val scanned = batch.select("topic").rdd
          .mapPartitionsWithIndex((i, rows) => rows.map(r => (r.getString(0), i))).collect()
          .groupBy(_._1).map { case (t, held) => t -> held.map(_._2).toSet }
        seen.add((if (fromPlan.isPresent) Some(fromPlan.get.asScala.map { case (t, ps) => t -> ps.asScala.map(_.toInt).toSet }.toMap) else None,
          scanned))
        ()
      }
      .start()
    q.awaitTermination()
    val batches = seen.asScala.toSeq.filter(_._2.nonEmpty)
    assert(batches.flatMap(_._2.keys).toSet == topics.toSet, "the query read both topics")
    batches.foreach { case (fromPlan, scanned) => assert(fromPlan.contains(scanned)) }
  }
}
