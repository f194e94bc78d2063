package io.gmall.streaming.store;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
    public void addScored(Map<String, Map<String, Long>> scoresByKey) {
        try (AbstractPipeline p = redis.pipelined()) {
            scoresByKey.forEach((key, scores) -> {
                if (!scores.isEmpty()) {
                    Map<String, Double> d = new HashMap<>();
                    scores.forEach((m, s) -> d.put(m, s.doubleValue()));
                    p.zadd(k(key), d);
                }
            });
            p.sync();
        }
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
    public List<String> latestAtOrBefore(List<String> keys, List<Long> maxScores) {
        List<Response<List<String>>> atOrBefore = new ArrayList<>();
        List<Response<List<Tuple>>> lowest = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (int i = 0; i < keys.size(); i++) {
                atOrBefore.add(p.zrevrangeByScore(k(keys.get(i)), Long.toString(maxScores.get(i)), "-inf", 0, 1));
                lowest.add(p.zrangeWithScores(k(keys.get(i)), ZRangeParams.zrangeParams(0, 0)));
            }
            p.sync();
        }
        List<String> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            List<String> latest = atOrBefore.get(i).get();
            List<Tuple> first = lowest.get(i).get();
            out.add(!latest.isEmpty() ? latest.get(0) : first.isEmpty() ? null : first.get(0).getElement());
        }
        return out;
    }

    @Override
    public void hashPut(Map<String, Map<String, String>> fieldsByKey) {
        try (AbstractPipeline p = redis.pipelined()) {
            fieldsByKey.forEach((key, fields) -> {
                if (!fields.isEmpty()) {
                    p.hset(k(key), fields);
                }
            });
            p.sync();
        }
    }

    @Override
    public void hashDelete(Map<String, ? extends Collection<String>> fieldsByKey) {
        try (AbstractPipeline p = redis.pipelined()) {
            fieldsByKey.forEach((key, fields) -> {
                if (!fields.isEmpty()) {
                    p.hdel(k(key), fields.toArray(String[]::new));
                }
            });
            p.sync();
        }
    }

    @Override
    public List<Map<String, String>> hashGetAll(List<String> keys) {
        List<Response<Map<String, String>>> responses = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            keys.forEach(key -> responses.add(p.hgetAll(k(key))));
            p.sync();
        }
        return responses.stream().map(Response::get).toList();
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
    public void setText(Map<String, String> values) {
        if (!values.isEmpty()) {
            Map<String, String> prefixed = new LinkedHashMap<>();
            values.forEach((key, value) -> prefixed.put(k(key), value));
            redis.mset(prefixed.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new));
        }
    }

    @Override
    public List<String> getText(List<String> keys) {
        return keys.isEmpty() ? List.of() : redis.mget(keys.stream().map(this::k).toArray(String[]::new));
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
