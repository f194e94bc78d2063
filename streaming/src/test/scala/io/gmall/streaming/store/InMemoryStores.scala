package io.gmall.streaming.store

import java.util
import scala.collection.JavaConverters._
import scala.collection.mutable

import java.util.Optional

import org.apache.spark.sql.{Dataset, Row, SparkSession}
import org.apache.spark.sql.types.{StructField, StructType}

/** A faithful in-memory model of the Redis commands behind [[StateStore]]; for suites without servers. */
class InMemoryStateStore extends StateStore {
  val sorted = mutable.Map.empty[String, mutable.Map[String, Long]]
  val hashes = mutable.Map.empty[String, mutable.Map[String, String]]
  val sets = mutable.Map.empty[String, mutable.Set[String]]
  val texts = mutable.Map.empty[String, String]

  private def z(key: String) = sorted.getOrElseUpdate(key, mutable.Map.empty)

  override def addLowest(key: String, scores: util.Map[String, java.lang.Long]): Unit =
    scores.asScala.foreach { case (m, s) => z(key).get(m) match {
      case Some(old) if old <= s => ()
      case _ => z(key)(m) = s
    } }

  override def addIfAbsent(key: String, scores: util.Map[String, java.lang.Long]): Unit =
    scores.asScala.foreach { case (m, s) => if (!z(key).contains(m)) z(key)(m) = s }

  override def addScored(scoresByKey: util.Map[String, util.Map[String, java.lang.Long]]): Unit =
    scoresByKey.asScala.foreach { case (key, scores) => scores.asScala.foreach { case (m, s) => z(key)(m) = s } }

  override def scores(key: String, members: util.List[String]): util.List[java.lang.Long] =
    members.asScala.map(m => sorted.get(key).flatMap(_.get(m)).map(Long.box).orNull).asJava

  override def countRanges(key: String, bounds: Array[Long]): Array[Long] =
    (0 until bounds.length - 1).map(i => sorted.get(key).map(_.values.count(s => s >= bounds(i) && s < bounds(i + 1)).toLong).getOrElse(0L)).toArray

  override def latestAtOrBefore(keys: util.List[String], maxScores: util.List[java.lang.Long]): util.List[String] =
    keys.asScala.zip(maxScores.asScala).map { case (key, maxScore) =>
      val ordered = sorted.get(key).toSeq.flatMap(_.toSeq).sortBy { case (member, score) => (score, member) }
      ordered.filter(_._2 <= maxScore).lastOption.orElse(ordered.headOption).map(_._1).orNull
    }.asJava

  override def hashPut(fieldsByKey: util.Map[String, util.Map[String, String]]): Unit =
    fieldsByKey.asScala.foreach { case (key, fields) =>
      if (!fields.isEmpty) hashes.getOrElseUpdate(key, mutable.Map.empty) ++= fields.asScala
    }

  override def hashDelete(fieldsByKey: util.Map[String, _ <: util.Collection[String]]): Unit =
    fieldsByKey.asScala.foreach { case (key, fields) =>
      hashes.get(key).foreach { h => h --= fields.asScala; if (h.isEmpty) hashes.remove(key) }
    }

  override def hashGetAll(keys: util.List[String]): util.List[util.Map[String, String]] =
    keys.asScala.map(key => new util.HashMap[String, String](hashes.getOrElse(key, mutable.Map.empty[String, String]).asJava): util.Map[String, String]).asJava

  override def setAdd(key: String, members: util.Collection[String]): Unit =
    if (!members.isEmpty) sets.getOrElseUpdate(key, mutable.Set.empty) ++= members.asScala

  override def setMembers(key: String): util.List[String] =
    new util.ArrayList[String](sets.getOrElse(key, mutable.Set.empty[String]).toSeq.sorted.asJava)

  override def setRemove(key: String, members: util.Collection[String]): Unit =
    sets.get(key).foreach(_ --= members.asScala)

  override def popScoredBelow(key: String, maxExclusive: Long): util.List[String] = {
    val due = sorted.get(key).map(_.filter(_._2 < maxExclusive).keys.toSeq.sorted).getOrElse(Seq.empty)
    sorted.get(key).foreach(_ --= due)
    due.asJava
  }

  override def sortedRemove(key: String, members: util.Collection[String]): Unit =
    sorted.get(key).foreach(_ --= members.asScala)

  /** The expiry last set on each key, in seconds. Keys never expire here: every suite's days stay within the state retention it configures. */
  val expiries = mutable.Map.empty[String, Long]

  override def expire(keys: util.Collection[String], seconds: Long): Unit = keys.asScala.foreach(expiries(_) = seconds)

  override def exists(key: String): Boolean =
    sorted.contains(key) || hashes.contains(key) || sets.contains(key) || texts.contains(key)

  override def setText(values: util.Map[String, String]): Unit = texts ++= values.asScala

  override def getText(keys: util.List[String]): util.List[String] = keys.asScala.map(texts.get(_).orNull).asJava

  override def delete(keys: util.Collection[String]): Unit = keys.asScala.foreach { k =>
    sorted.remove(k); hashes.remove(k); sets.remove(k); texts.remove(k)
  }

  /** Every key's value, copied: what a replay must leave as it found. */
  def snapshot: Map[String, Any] = {
    val all = Seq[Iterable[(String, Any)]](sorted.mapValues(_.toMap), hashes.mapValues(_.toMap), sets.mapValues(_.toSet), texts)
    all.flatten.toMap
  }
}

/** HBase rows in memory: table -> row key -> column -> value. */
class InMemoryRowStore extends RowStore {
  val tables = mutable.Map.empty[String, mutable.Map[String, mutable.Map[String, String]]]
  var puts = 0

  override def put(table: String, family: String, rows: util.Map[String, util.Map[String, String]]): Unit = {
    rows.asScala.foreach { case (row, cells) =>
      tables.getOrElseUpdate(table, mutable.Map.empty).getOrElseUpdate(row, mutable.Map.empty) ++= cells.asScala
      puts += 1
    }
  }

  override def delete(table: String, rowKeys: util.Collection[String]): Unit =
    tables.get(table).foreach(_ --= rowKeys.asScala)

  override def get(table: String, family: String, rowKey: String): util.Map[String, String] = row(table, rowKey).asJava

  def row(table: String, key: String): Map[String, String] =
    tables.get(table).flatMap(_.get(key)).map(_.toMap).getOrElse(Map.empty)

  def snapshot: Map[String, Map[String, Map[String, String]]] =
    tables.map { case (t, rows) => t -> rows.map { case (k, c) => k -> c.toMap }.toMap }.toMap
}

/** Documents in memory, indexed by id: a second write of an id replaces the first, as in Elasticsearch. */
class InMemoryDocumentIndex extends DocumentIndex {
  val indices = mutable.Map.empty[String, mutable.Map[String, Row]]
  var writes = 0

  val writesByIndex = mutable.Map.empty[String, Int].withDefaultValue(0)

  override def index(index: String, documents: Dataset[Row], idColumn: String): Unit = {
    val docs = indices.getOrElseUpdate(index, mutable.Map.empty)
    documents.collect().foreach { r => docs(r.getAs[String](idColumn)) = r; writes += 1; writesByIndex(index) += 1 }
  }

  override def delete(index: String, ids: util.Collection[String]): Unit =
    indices.get(index).foreach(_ --= ids.asScala)

  def docs(index: String): Map[String, Row] = indices.get(index).map(_.toMap).getOrElse(Map.empty)

  /** The documents under the union of their fields (a field a document lacks reads as null, as in Elasticsearch). */
  override def documents(spark: SparkSession, index: String, arrayFields: String*): Optional[Dataset[Row]] =
    indices.get(index).filter(_.nonEmpty) match {
      case Some(docs) =>
        val fields = docs.values.flatMap(_.schema.fields).foldLeft(Seq.empty[StructField])((seen, f) => if (seen.exists(_.name == f.name)) seen else seen :+ f)
        val rows = docs.values.map(d => Row.fromSeq(fields.map(f => if (d.schema.fieldNames.contains(f.name)) d.getAs[Any](f.name) else null))).toList
        Optional.of(spark.createDataFrame(rows.asJava, StructType(fields.map(_.copy(nullable = true)))))
      case None => Optional.empty()
    }
}
