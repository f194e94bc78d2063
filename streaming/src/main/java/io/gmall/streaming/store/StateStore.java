package io.gmall.streaming.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The few Redis commands the queries keep their state with, each over many keys or members at once so the
 * Redis implementation sends one pipeline per call. Every operation is absolute or monotone (ZADD LT, HSET,
 * SET), so applying a micro-batch twice leaves the same state: the replay-safety the queries rely on.
 */
public interface StateStore {

    /** ZADD key LT: adds members, or lowers the score of existing ones; never raises a score. */
    void addLowest(String key, Map<String, Long> scores);

    /** ZSCORE of each member, null where absent; in the order given. */
    List<Long> scores(String key, List<String> members);

    /** ZCOUNT over consecutive half-open ranges {@code [bounds[i], bounds[i+1])}: one count per range. */
    long[] countRanges(String key, long[] bounds);

    /** ZADD with scores as given (overwrites), per key. */
    void addScored(Map<String, Map<String, Long>> scoresByKey);

    /**
     * Per key, the member with the highest score not above the key's {@code maxScore}; if none, the
     * lowest-scored member; null for an empty set. In the order given.
     */
    List<String> latestAtOrBefore(List<String> keys, List<Long> maxScores);

    /** HSET per key. */
    void hashPut(Map<String, Map<String, String>> fieldsByKey);

    /** HDEL per key. */
    void hashDelete(Map<String, ? extends Collection<String>> fieldsByKey);

    /** HGETALL of each key (empty for an absent key), in the order given. */
    List<Map<String, String>> hashGetAll(List<String> keys);

    void setAdd(String key, Collection<String> members);

    List<String> setMembers(String key);

    void setRemove(String key, Collection<String> members);

    /** Removes and returns the members of a sorted set with scores below {@code maxExclusive}. */
    List<String> popScoredBelow(String key, long maxExclusive);

    void sortedRemove(String key, Collection<String> members);

    /** ZADD NX: adds members that are absent, keeps the score of present ones. */
    void addIfAbsent(String key, Map<String, Long> scores);

    void expire(Collection<String> keys, long seconds);

    boolean exists(String key);

    /** SET of each key. */
    void setText(Map<String, String> values);

    /** GET of each key, null where absent, in the order given. */
    List<String> getText(List<String> keys);

    void delete(Collection<String> keys);
}
