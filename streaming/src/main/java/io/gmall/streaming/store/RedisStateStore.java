package io.gmall.streaming.store;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;

/**
 * {@link StateStore} on Redis: one pooled client, one pipeline per call. Every key is given under a prefix
 * (empty in production), so a test can share the stack's Redis without touching the stream's state.
 */
public final class RedisStateStore implements StateStore, AutoCloseable {

    private final JedisPooled redis;
    private final String prefix;

    public RedisStateStore(URI url, String prefix) {
        this.redis = new JedisPooled(url);
        this.prefix = prefix;
    }

    @Override
    public void addLowest(String key, Map<String, Long> scores) {
        try (AbstractPipeline p = redis.pipelined()) {
            scores.forEach((member, score) -> p.zadd(k(key), score, member, ZAddParams.zAddParams().lt()));
            p.sync();
        }
    }

    @Override
    public void addIfAbsent(String key, Map<String, Long> scores) {
        try (AbstractPipeline p = redis.pipelined()) {
            scores.forEach((member, score) -> p.zadd(k(key), score, member, ZAddParams.zAddParams().nx()));
            p.sync();
        }
    }

    @Override
    public void addScored(String key, Map<String, Long> scores) {
        if (scores.isEmpty()) {
            return;
        }
        Map<String, Double> d = new java.util.HashMap<>();
        scores.forEach((m, s) -> d.put(m, s.doubleValue()));
        redis.zadd(k(key), d);
    }

    @Override
    public List<Long> scores(String key, List<String> members) {
        List<Long> out = new ArrayList<>(members.size());
        if (members.isEmpty()) {
            return out;
        }
        for (Double d : redis.zmscore(k(key), members.toArray(String[]::new))) {
            out.add(d == null ? null : d.longValue());
        }
        return out;
    }

    @Override
    public long[] countRanges(String key, long[] bounds) {
        List<Response<Long>> responses = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (int i = 0; i + 1 < bounds.length; i++) {
                responses.add(p.zcount(k(key), Long.toString(bounds[i]), "(" + bounds[i + 1]));
            }
            p.sync();
        }
        return responses.stream().mapToLong(Response::get).toArray();
    }

    @Override
    public String latestAtOrBefore(String key, long maxScore) {
        List<String> latest = redis.zrevrangeByScore(k(key), Long.toString(maxScore), "-inf", 0, 1);
        if (!latest.isEmpty()) {
            return latest.get(0);
        }
        List<Tuple> first = redis.zrangeWithScores(k(key), ZRangeParams.zrangeParams(0, 0));
        return first.isEmpty() ? null : first.get(0).getElement();
    }

    @Override
    public void hashPut(String key, Map<String, String> fields) {
        if (!fields.isEmpty()) {
            redis.hset(k(key), fields);
        }
    }

    @Override
    public void hashDelete(String key, Collection<String> fields) {
        if (!fields.isEmpty()) {
            redis.hdel(k(key), fields.toArray(String[]::new));
        }
    }

    @Override
    public Map<String, String> hashGetAll(String key) {
        return redis.hgetAll(k(key));
    }

    @Override
    public void setAdd(String key, Collection<String> members) {
        if (!members.isEmpty()) {
            redis.sadd(k(key), members.toArray(String[]::new));
        }
    }

    @Override
    public List<String> setMembers(String key) {
        return new ArrayList<>(redis.smembers(k(key)));
    }

    @Override
    public void setRemove(String key, Collection<String> members) {
        if (!members.isEmpty()) {
            redis.srem(k(key), members.toArray(String[]::new));
        }
    }

    @Override
    public List<String> popScoredBelow(String key, long maxExclusive) {
        List<String> due = redis.zrangeByScore(k(key), "-inf", "(" + maxExclusive);
        sortedRemove(key, due);
        return due;
    }

    @Override
    public void sortedRemove(String key, Collection<String> members) {
        if (!members.isEmpty()) {
            redis.zrem(k(key), members.toArray(String[]::new));
        }
    }

    @Override
    public void expire(Collection<String> keys, long seconds) {
        try (AbstractPipeline p = redis.pipelined()) {
            keys.forEach(key -> p.expire(k(key), seconds));
            p.sync();
        }
    }

    @Override
    public boolean exists(String key) {
        return redis.exists(k(key));
    }

    @Override
    public void setText(String key, String value) {
        redis.set(k(key), value);
    }

    @Override
    public String getText(String key) {
        return redis.get(k(key));
    }

    @Override
    public void delete(Collection<String> keys) {
        if (!keys.isEmpty()) {
            redis.del(keys.stream().map(this::k).toArray(String[]::new));
        }
    }

    private String k(String key) {
        return prefix + key;
    }

    @Override
    public void close() {
        redis.close();
    }
}
