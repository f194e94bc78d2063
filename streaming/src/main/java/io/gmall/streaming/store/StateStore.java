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

    /** ZADD with scores as given (overwrites). */
    void addScored(String key, Map<String, Long> scores);

    /** The member with the highest score not above {@code maxScore}; if none, the lowest-scored member; null for an empty set. */
    String latestAtOrBefore(String key, long maxScore);

    void hashPut(String key, Map<String, String> fields);

    void hashDelete(String key, Collection<String> fields);

    Map<String, String> hashGetAll(String key);

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

    void setText(String key, String value);

    String getText(String key);

    void delete(Collection<String> keys);
}
