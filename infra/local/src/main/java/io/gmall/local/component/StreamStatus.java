package io.gmall.local.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the streaming application answers on {@code /status}, read defensively: one line per running query,
 * {@code <query> <active|stopped> <lastBatchId> <secondsSinceLastProgress> <lag>} (seconds -1 while the query
 * has reported no progress since the application started), and {@code failed <query id> <error>} per query
 * that died. Anything else is kept as an unreadable line, which makes the answer unhealthy.
 */
public record StreamStatus(List<Query> queries, List<String> failures, List<String> unreadable) {

    public record Query(String name, boolean active, long lastBatchId, long secondsSinceProgress, long lag) {
        boolean progressed() {
            return secondsSinceProgress >= 0;
        }
    }

    /** A judged answer: healthy with a summary, or unhealthy with every reason found. */
    record Verdict(boolean healthy, String text) {
    }

    private static final int QUOTED = 160;

    public static StreamStatus parse(String body) {
        List<Query> queries = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String raw : (body == null ? "" : body).split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f[0].equals("failed")) {
                failures.add(line.substring("failed".length()).strip());
                continue;
            }
            Query q = f.length == 5 ? query(f) : null;
            if (q == null) {
                unreadable.add(line);
            } else {
                queries.add(q);
            }
        }
        return new StreamStatus(List.copyOf(queries), List.copyOf(failures), List.copyOf(unreadable));
    }

    private static Query query(String[] f) {
        if (!f[1].equals("active") && !f[1].equals("stopped")) {
            return null;
        }
        Long batch = number(f[2]);
        Long seconds = number(f[3]);
        Long lag = number(f[4]);
        if (batch == null || batch < -1 || seconds == null || seconds < -1 || lag == null || lag < 0) {
            return null;
        }
        return new Query(f[0], f[1].equals("active"), batch, seconds, lag);
    }

    private static Long number(String text) {
        try {
            return Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Whether every query is active and reported progress (a batch, or being idle) at most {@code seconds} ago with
     * nothing left in Kafka: what was in its topics before then is in the stores.
     */
    public boolean caughtUpWithin(long seconds) {
        return !queries.isEmpty() && failures.isEmpty() && unreadable.isEmpty()
                && queries.stream().allMatch(q -> q.active() && q.progressed() && q.secondsSinceProgress() <= seconds && q.lag() == 0);
    }

    /** The longest a query may go without reporting progress: three trigger intervals, and at least a minute. */
    static Duration progressLimit(Duration trigger) {
        Duration three = trigger.multipliedBy(3);
        return three.compareTo(Duration.ofSeconds(60)) > 0 ? three : Duration.ofSeconds(60);
    }

    /**
     * Healthy when at least one query runs, every query is active and has reported progress within
     * {@link #progressLimit}, no query failed and every line was readable. A query without progress since
     * the application started (an idle query after a restart) counts as active and is named in the summary.
     */
    Verdict judge(Duration trigger) {
        long limit = progressLimit(trigger).toSeconds();
        List<String> problems = new ArrayList<>();
        if (!unreadable.isEmpty()) {
            problems.add("unreadable /status line '" + quote(unreadable.get(0)) + "'"
                    + (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more)" : ""));
        }
        failures.forEach(f -> problems.add("failed " + quote(f)));
        if (queries.isEmpty()) {
            problems.add(unreadable.isEmpty() && failures.isEmpty() ? "/status lists no query (the answer is empty)" : "/status lists no running query");
        }
        for (Query q : queries) {
            if (!q.active()) {
                problems.add("query " + q.name() + " is stopped");
            } else if (q.secondsSinceProgress() > limit) {
                problems.add("query " + q.name() + " made no progress for " + q.secondsSinceProgress() + " s (limit " + limit + " s)");
            }
        }
        if (!problems.isEmpty()) {
            return new Verdict(false, String.join("; ", problems));
        }
        return new Verdict(true, summary());
    }

    /** The lag is what a query's last batch saw: a query without a batch since its start has none to tell yet, not 0. */
    private String summary() {
        long lag = queries.stream().filter(Query::progressed).mapToLong(Query::lag).sum();
        List<String> waiting = queries.stream().filter(q -> !q.progressed()).map(Query::name).toList();
        String progress = queries.stream().filter(Query::progressed).mapToLong(Query::secondsSinceProgress).max()
                .stream().mapToObj(s -> "last progress " + s + " s ago").findFirst().orElse("no batch since start");
        String idle = waiting.isEmpty() || waiting.size() == queries.size() ? ""
                : " (" + waiting.stream().collect(Collectors.joining(", ")) + ": no batch since start)";
        String lagText = waiting.size() == queries.size() ? "lag not known yet"
                : "lag " + lag + (waiting.isEmpty() ? "" : " (" + String.join(", ", waiting) + " not known yet)");
        return queries.size() + (queries.size() == 1 ? " query" : " queries") + " active" + idle + ", " + progress + ", " + lagText;
    }

    private static String quote(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > QUOTED ? oneLine.substring(0, QUOTED) + "..." : oneLine;
    }
}
