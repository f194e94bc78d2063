package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gmall.ingestion.contract.LogJson;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Plays a simulation in real time: each action happens when the wall clock reaches its simulated time
 * (divided by the speed); logs go to the collector in batches from a few sender threads, business
 * actions go to MariaDB in order. Results land in the ledger.
 */
final class MockRun {

    private static final int SENDERS = 4;
    private static final long MAX_BATCH_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final MockConfig config;
    private final Simulation simulation;
    private final CollectorClient client;
    private final BusinessDb db;
    private final Ledger ledger;
    private final PrintStream out;
    private final LongConsumer progress;
    private Map<Long, BusinessDb.Sku> skus;

    MockRun(MockConfig config, Simulation simulation, URI collector, BusinessDb db, Ledger ledger, PrintStream out, LongConsumer progress) {
        this.config = config;
        this.simulation = simulation;
        this.client = new CollectorClient(collector, ledger);
        this.db = db;
        this.ledger = ledger;
        this.out = out;
        this.progress = progress;
    }

    void run() throws Exception {
        db.ensureCatalogue(config.firstUser(), config.users(), config.seed());
        skus = db.skus();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        // Bounds the batches waiting for a sender, so a slow collector slows the mock instead of filling memory.
        Semaphore inFlight = new Semaphore(SENDERS * 2);
        long wallStart = System.nanoTime();
        long simStart = config.start().toEpochMilli();
        List<Action.SendLog> batch = new ArrayList<>();
        long batchOpened = 0;
        try {
            while (simulation.hasNext()) {
                Action action = simulation.next();
                long due = wallStart + (long) ((action.at() - simStart) / config.speed() * 1_000_000);
                if (!batch.isEmpty() && (System.nanoTime() - batchOpened > MAX_BATCH_WAIT_NANOS || due - System.nanoTime() > MAX_BATCH_WAIT_NANOS)) {
                    submit(batch, senders, inFlight);
                    batch = new ArrayList<>();
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (action instanceof Action.SendLog log) {
                    if (batch.isEmpty()) {
                        batchOpened = System.nanoTime();
                    }
                    batch.add(log);
                    ledger.count("sent", 1);
                    ledger.count("sent_" + log.kind().name().toLowerCase(), 1);
                    if (batch.size() >= config.batchSize()) {
                        submit(batch, senders, inFlight);
                        batch = new ArrayList<>();
                    }
                } else if (action instanceof Action.PlaceOrder order) {
                    ledger.orderPlaced(order, db.placeOrder(order, skus), skus);
                } else if (action instanceof Action.SettleOrder settle) {
                    Long orderId = ledger.orderId(settle.orderSeq());
                    if (orderId != null) {
                        db.settleOrder(orderId, settle.status(), settle.at());
                        ledger.orderSettled(settle.orderSeq(), settle.status());
                    }
                } else if (action instanceof Action.UpdateProfile update) {
                    db.updateProfile(update.userId(), update.userLevel(), update.at());
                    ledger.count("profile_updates", 1);
                }
            }
            if (!batch.isEmpty()) {
                submit(batch, senders, inFlight);
            }
        } finally {
            senders.shutdown();
            if (!senders.awaitTermination(10, TimeUnit.MINUTES)) {
                senders.shutdownNow();
            }
        }
    }

    private void submit(List<Action.SendLog> batch, ExecutorService senders, Semaphore inFlight) throws InterruptedException {
        inFlight.acquire();
        senders.execute(() -> {
            try {
                ArrayNode body = LogJson.MAPPER.createArrayNode();
                batch.forEach(b -> body.add(b.record()));
                CollectorClient.Verdicts verdicts = client.send(body);
                for (int i = 0; i < batch.size(); i++) {
                    if (verdicts.accepted().get(i)) {
                        ledger.accepted(batch.get(i));
                    } else {
                        ledger.rejected(batch.get(i));
                    }
                }
            } catch (Exception e) {
                ledger.count("failed", batch.size());
                out.println("mock: a batch of " + batch.size() + " records was not delivered: " + e.getMessage());
            } finally {
                progress.accept(batch.size());
                inFlight.release();
            }
        });
    }
}
