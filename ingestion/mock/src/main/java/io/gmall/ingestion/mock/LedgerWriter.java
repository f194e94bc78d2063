package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a run's ledger on disk while the run goes: rewritten every few seconds, once more when the run
 * ends, and from a shutdown hook when the JVM is stopped (Ctrl-C, SIGTERM), so a run stopped half-way
 * still leaves the truth of what the collector had acknowledged. Files are replaced atomically (written
 * beside the target, then moved over it), so a reader never sees half a ledger. Files:
 * {@code ledger-<run>.json}, the same as {@code ledger-latest.json}, and {@code first-seen.json}, the
 * first startup of every device in any run, into which each write merges this run's devices with
 * {@link Math#min}, so writing again changes nothing.
 */
final class LedgerWriter {

    /** How the ledger on disk was left; a ledger still "running" after its run is gone was killed outright (SIGKILL). */
    enum State { RUNNING, INTERRUPTED, FAILED, FINISHED }

    static final Duration EVERY = Duration.ofSeconds(5);

    private final Ledger ledger;
    private final Path dir;
    private final ObjectNode run;
    private final List<Simulation.AbuseWindow> abuse;
    private final Duration every;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = new Thread(this::interrupted, "ledger-on-shutdown");
    private Thread periodic;
    /** Set by the last write, after which the ledger on disk no longer changes. */
    private boolean done;

    /** @param run the run's description, written as {@code run} with {@code state}, {@code written_at} and {@code finished_at} added */
    LedgerWriter(Ledger ledger, Path dir, ObjectNode run, List<Simulation.AbuseWindow> abuse, Duration every) {
        this.ledger = ledger;
        this.dir = dir;
        this.run = run.deepCopy();
        this.abuse = List.copyOf(abuse);
        this.every = every;
    }

    Path file() {
        return dir.resolve("ledger-" + run.get("id").asText() + ".json");
    }

    /** Starts the periodic writes and the write on JVM shutdown. */
    void start() {
        Runtime.getRuntime().addShutdownHook(hook);
        periodic = new Thread(this::rewriteUntilStopped, "ledger-writer");
        periodic.setDaemon(true);
        periodic.start();
    }

    /** The last write, saying how the run ended; nothing is written after it. */
    Path finish(State state) throws IOException, InterruptedException {
        stopped.countDown();
        if (periodic != null) {
            periodic.join();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: it writes the ledger, or has, and the write below does nothing.
        }
        return write(state);
    }

    /** What the shutdown hook does: a run stopped by a signal leaves the ledger of what was acknowledged until then. */
    void interrupted() {
        try {
            write(State.INTERRUPTED);
        } catch (IOException e) {
            System.err.println("mock: could not write the ledger on shutdown: " + e);
        }
    }

    synchronized Path write(State state) throws IOException {
        Path file = file();
        if (done) {
            return file;
        }
        Files.createDirectories(dir);
        Path registryFile = dir.resolve("first-seen.json");
        Map<String, Long> firstSeen = new TreeMap<>();
        if (Files.exists(registryFile)) {
            LogJson.MAPPER.readTree(registryFile.toFile()).fields().forEachRemaining(e -> firstSeen.put(e.getKey(), e.getValue().asLong()));
        }
        ledger.firstVisits().forEach((mid, ts) -> firstSeen.merge(mid, ts, Math::min));

        String now = Instant.now().toString();
        run.put("state", state.name().toLowerCase());
        run.put("written_at", now);
        if (state != State.RUNNING) {
            run.put("finished_at", now);
        }
        byte[] json = LogJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(ledger.toJson(run, abuse, firstSeen));
        replace(file, json);
        replace(dir.resolve("ledger-latest.json"), json);
        ObjectNode registry = LogJson.MAPPER.createObjectNode();
        firstSeen.forEach(registry::put);
        replace(registryFile, LogJson.MAPPER.writeValueAsBytes(registry));
        done = state != State.RUNNING;
        return file;
    }

    private void rewriteUntilStopped() {
        long pauseMs = every.toMillis();
        try {
            while (!stopped.await(pauseMs, TimeUnit.MILLISECONDS)) {
                long began = System.nanoTime();
                try {
                    write(State.RUNNING);
                } catch (IOException | RuntimeException e) {
                    System.err.println("mock: could not write the ledger, trying again later: " + e);
                }
                // A long run's ledger takes a while to build and write: keep that under a fifth of the time.
                pauseMs = Math.max(every.toMillis(), 4 * TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes beside the target and moves over it: readers see the old file or the new one, never a part. */
    private static void replace(Path target, byte[] content) throws IOException {
        // The process id keeps two runs writing the shared registry at once from using the same temporary file.
        Path tmp = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
