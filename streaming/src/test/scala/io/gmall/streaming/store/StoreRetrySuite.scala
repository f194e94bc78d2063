package io.gmall.streaming.store

import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

import org.scalatest.funsuite.AnyFunSuite

class StoreRetrySuite extends AnyFunSuite {

  private val retry = new StoreRetry(4, Duration.ofMillis(10))

  test("a store that comes back within the attempts costs a retry, not the batch") {
    val calls = new AtomicInteger()
    val answer = retry.call("Redis", "testing", () => {
      if (calls.incrementAndGet() < 3) throw new IllegalStateException("connection refused")
      "ok"
    })
    assert(answer == "ok")
    assert(calls.get() == 3)
  }

  test("a store still down after the last attempt fails the batch, naming the store") {
    val calls = new AtomicInteger()
    val e = intercept[RuntimeException](retry.run("HBase", "writing hourly DAU", () => {
      calls.incrementAndGet()
      throw new java.io.IOException("no region server")
    }))
    assert(calls.get() == 4, "every attempt was made")
    assert(e.getMessage.contains("HBase") && e.getMessage.contains("writing hourly DAU"), e.getMessage)
  }
}
