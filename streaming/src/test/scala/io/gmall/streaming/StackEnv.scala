package io.gmall.streaming

import java.util.UUID

/** The stack's addresses for *IT suites, from the GMALL_* variables that ./gmall test exports. */
object StackEnv {
  def apply(name: String): String = sys.env.getOrElse(name,
    throw new IllegalStateException(name + " is not set: run through ./gmall test, or eval \"$(./gmall env)\""))

  /** A fresh name for this run's keys, topics and indices. */
  def unique(prefix: String): String = prefix + UUID.randomUUID().toString.take(8)

  /** The stack's configuration with the overrides given (keys without the gmall.streaming. prefix). */
  def config(overrides: Map[String, String]): StreamingConfig = {
    import scala.collection.JavaConverters._
    val stack = Map(
      "kafka.bootstrap" -> apply("GMALL_KAFKA_BOOTSTRAP"),
      "redis.url" -> apply("GMALL_REDIS_URL"),
      "hbase.zookeeper.quorum" -> apply("GMALL_HBASE_ZOOKEEPER_QUORUM"),
      "hbase.zookeeper.port" -> apply("GMALL_HBASE_ZOOKEEPER_PORT"),
      "es.url" -> apply("GMALL_ES_URL"),
      "mariadb.url" -> apply("GMALL_MARIADB_URL"),
      "mariadb.user" -> apply("GMALL_MARIADB_USER"),
      "mariadb.password" -> apply("GMALL_MARIADB_PASSWORD"))
    StreamingConfig.of((stack ++ overrides).asJava)
  }
}
