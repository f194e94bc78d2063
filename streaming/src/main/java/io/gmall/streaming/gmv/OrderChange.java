package io.gmall.streaming.gmv;

import java.io.Serializable;
import java.util.Map;

/**
 * One change of an order row, in binlog order within its key. {@code before} is null for an insert,
 * {@code after} null for a delete; values are as the envelope typed them (amounts as BigDecimal).
 */
public record OrderChange(String op, Map<String, Object> before, Map<String, Object> after) implements Serializable {
}
