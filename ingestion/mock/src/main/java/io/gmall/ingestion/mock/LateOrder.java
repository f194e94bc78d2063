package io.gmall.ingestion.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./gmall mock late-order}: one order whose details are committed a while after the order itself, as a
 * client that saves an order's lines in a second transaction does. When the wait is longer than the stream's join
 * TTL ({@code gmall.streaming.join.ttl.minutes}), the stream cannot join the order and leaves it to the nightly
 * backfill. Its ledger (the order in full) goes beside the runs' ledgers, so every check counts it. The database
 * and ledger options are the mock's own, given before {@code late-order}.
 */
@Command(name = "late-order", mixinStandardHelpOptions = true,
        description = "One order whose details are committed --details-after seconds after it; its ledger beside the runs'.")
final class LateOrder implements Callable<Integer> {

    @ParentCommand
    MockMain mock;
    @Option(names = "--at", required = true, description = "the order's time: an instant (2026-11-23T13:30:00Z) or a local time in the mock's --zone")
    String at;
    @Option(names = "--user", defaultValue = "1", description = "the buyer, created if missing (default ${DEFAULT-VALUE})")
    int user;
    @Option(names = "--area", defaultValue = "beijing", description = "the order's province (default ${DEFAULT-VALUE})")
    String area;
    @Option(names = "--details-after", defaultValue = "90", description = "seconds from the order's commit to its details' (default ${DEFAULT-VALUE})")
    int detailsAfter;

    @Override
    public Integer call() throws Exception {
        ZoneId zone = ZoneId.of(mock.zone);
        Instant now = Instant.now();
        long orderAt;
        try {
            orderAt = MockMain.parseClock(at, zone, now).toEpochMilli();
        } catch (IllegalArgumentException e) {
            System.err.println("gmall mock late-order: " + e.getMessage().replace("--clock", "--at"));
            return 2;
        }
        if (detailsAfter < 0 || user < 1) {
            System.err.println("gmall mock late-order: --details-after must be 0 or more seconds and --user 1 or more");
            return 2;
        }
        String runId = "late-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode run = LogJson.MAPPER.createObjectNode().put("id", runId).put("kind", "late-order").put("started_at", now.toString())
                .put("simulated_start", Instant.ofEpochMilli(orderAt).toString()).put("details_after_seconds", detailsAfter);
        Ledger ledger = new Ledger(zone);
        Path root = Path.of(System.getProperty("gmall.root", "."));
        LedgerWriter writer = new LedgerWriter(ledger, root.resolve(mock.ledgerDir), run, List.of(), LedgerWriter.EVERY);
        Action.PlaceOrder order = new Action.PlaceOrder(orderAt, 0, user, area,
                List.of(new Action.Line(Simulation.skuOf(0), 1), new Action.Line(Simulation.skuOf(1), 2)));
        writer.start();
        BusinessDb.Placed placed;
        try (BusinessDb db = new BusinessDb(mock.jdbcUrl, mock.jdbcUser, mock.jdbcPassword)) {
            db.ensureCatalogue(user, 1, 0);
            Map<Long, BusinessDb.Sku> skus = db.skus();
            BusinessDb.Placed alone = db.placeOrderAlone(order, skus);
            System.out.printf("late order %d committed without its details; they follow in %d s%n", alone.orderId(), detailsAfter);
            Thread.sleep(detailsAfter * 1000L);
            placed = db.addDetails(alone, order, skus);
            ledger.orderPlaced(order, placed, skus);
        } catch (Exception e) {
            writer.finish(LedgerWriter.State.FAILED);
            throw e;
        }
        Path file = writer.finish(LedgerWriter.State.FINISHED);
        System.out.printf("late order %d of user %d, %s: details %s committed %d s after it; ledger %s%n", placed.orderId(), user, placed.total(),
                placed.detailIds(), detailsAfter, root.relativize(file.toAbsolutePath()));
        return 0;
    }
}
