package io.gmall.ingestion.mock;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The business side of the simulation, in MariaDB over JDBC: users and skus exist before they are used,
 * orders are written with their details in one transaction, and change status later. DATETIME columns
 * hold UTC; the business time zone is applied downstream.
 */
final class BusinessDb implements AutoCloseable {

    record User(long id, String gender, LocalDate birthday, String level) {
    }

    record Sku(long id, String name, BigDecimal price) {
    }

    /** An order as committed: its id, total, its details' ids and its user as the order's transaction saw it. */
    record Placed(long orderId, BigDecimal total, List<Long> detailIds, LocalDateTime createTime, User user) {
    }

    private static final String[] BRANDS = {"Xiaomi", "Huawei", "Apple", "Lenovo", "Haier", "Midea", "Sony", "Oppo", "Vivo", "Anta"};
    private static final String[] CATEGORIES = {"phone", "laptop", "tv", "headphones", "watch"};
    private static final String[] COLOURS = {"black", "white", "red", "blue", "gold"};

    /**
     * When the catalogue's users and skus were created. The simulated clock may lie days in the past (the
     * demo, the fault tests), and a user created "now" would then be newer than its own later profile
     * updates: whoever takes a user's version by time would keep the creation and lose the update.
     */
    static final LocalDateTime CATALOGUE_CREATED = LocalDateTime.of(2000, 1, 1, 0, 0);

    /** How long a lost connection is tried again before the run gives up: a MariaDB restart takes seconds. */
    private static final Duration RECONNECT_FOR = Duration.ofSeconds(90);

    private final String url;
    private final String user;
    private final String password;
    private Connection connection;

    BusinessDb(String url, String user, String password) throws SQLException {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection = DriverManager.getConnection(url, user, password);
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work}; when the connection to MariaDB is lost (a restart), connects again with backoff and
     * runs {@code again} instead, which must find out what the lost attempt already committed.
     */
    private <T> T reconnecting(String what, Work<T> work, Work<T> again) throws SQLException {
        try {
            return work.run();
        } catch (SQLException e) {
            if (!connectionLost(e)) {
                throw e;
            }
            long deadline = System.nanoTime() + RECONNECT_FOR.toNanos();
            for (int attempt = 1; ; attempt++) {
                System.out.println("mock: MariaDB connection lost during " + what + " (" + e.getMessage() + "); reconnecting (attempt " + attempt + ")");
                sleep(Math.min(attempt, 5) * 1000L);
                try {
                    connection = DriverManager.getConnection(url, user, password);
                    return again.run();
                } catch (SQLException retry) {
                    if (!connectionLost(retry) || System.nanoTime() > deadline) {
                        throw retry;
                    }
                    e = retry;
                }
            }
        }
    }

    private boolean connectionLost(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
            return true;
        }
        try {
            return !connection.isValid(1);
        } catch (SQLException invalid) {
            return true;
        }
    }

    private static void sleep(long millis) throws SQLException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reconnecting", e);
        }
    }

    static LocalDateTime utc(long epochMillis) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), (int) Math.floorMod(epochMillis, 1000) * 1_000_000, ZoneOffset.UTC);
    }

    /** Creates users first..first + users - 1 and skus 1..50 where missing (values from {@code seed}); existing rows are kept. */
    void ensureCatalogue(int first, int users, long seed) throws SQLException {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        inOneTransaction(() -> {
            insertCatalogue(first, users, random);
            return null;
        });
    }

    private void insertCatalogue(int first, int users, SplittableRandom random) throws SQLException {
        try (PreparedStatement insertUser = connection.prepareStatement(
                "INSERT IGNORE INTO user_info (id, login_name, nick_name, phone_num, user_level, birthday, gender, create_time) VALUES (?,?,?,?,?,?,?,?)");
             PreparedStatement insertSku = connection.prepareStatement(
                     "INSERT IGNORE INTO sku_info (id, sku_name, price, category, tm_name, create_time) VALUES (?,?,?,?,?,?)")) {
            Timestamp created = Timestamp.valueOf(CATALOGUE_CREATED);
            for (long id = first; id < (long) first + users; id++) {
                insertUser.setLong(1, id);
                insertUser.setString(2, "user_" + id);
                insertUser.setString(3, "nick_" + id);
                insertUser.setString(4, "138" + String.format("%08d", random.nextInt(100_000_000)));
                insertUser.setString(5, Integer.toString(1 + random.nextInt(5)));
                insertUser.setObject(6, LocalDate.of(1960, 1, 1).plusDays(random.nextInt(50 * 365)));
                insertUser.setString(7, random.nextBoolean() ? "M" : "F");
                insertUser.setTimestamp(8, created);
                insertUser.addBatch();
            }
            insertUser.executeBatch();
            for (int item = 0; item < Profile.ITEMS; item++) {
                String brand = BRANDS[item % BRANDS.length];
                String category = CATEGORIES[item / BRANDS.length % CATEGORIES.length];
                insertSku.setLong(1, Simulation.skuOf(item));
                insertSku.setString(2, brand + " " + category + " " + (item + 1) + " " + COLOURS[random.nextInt(COLOURS.length)]);
                insertSku.setBigDecimal(3, BigDecimal.valueOf(1000 + random.nextInt(999_000), 2));
                insertSku.setString(4, category);
                insertSku.setString(5, brand);
                insertSku.setTimestamp(6, created);
                insertSku.addBatch();
            }
            insertSku.executeBatch();
        }
    }

    Map<Long, Sku> skus() throws SQLException {
        Map<Long, Sku> skus = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, sku_name, price FROM sku_info")) {
            while (rs.next()) {
                skus.put(rs.getLong(1), new Sku(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3)));
            }
        }
        return skus;
    }

    /**
     * Inserts the order and its details in one transaction. After a lost connection the order is looked up
     * first: the commit may have reached MariaDB before the connection broke, and a second insert would
     * be an order the simulation never placed.
     */
    Placed placeOrder(Action.PlaceOrder order, Map<Long, Sku> skus) throws SQLException {
        return reconnecting("an order", () -> insertOrder(order, skus), () -> {
            Placed committed = committedOrder(order, skus);
            return committed != null ? committed : insertOrder(order, skus);
        });
    }

    private Placed committedOrder(Action.PlaceOrder order, Map<Long, Sku> skus) throws SQLException {
        LocalDateTime createTime = utc(order.at());
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT o.id, o.total_amount, u.gender, u.birthday, u.user_level FROM order_info o LEFT JOIN user_info u ON u.id = o.user_id "
                        + "WHERE o.user_id = ? AND o.create_time = ? AND o.province = ? ORDER BY o.id DESC LIMIT 1");
             PreparedStatement details = connection.prepareStatement("SELECT id FROM order_detail WHERE order_id = ? ORDER BY id")) {
            find.setLong(1, order.userId());
            find.setTimestamp(2, Timestamp.valueOf(createTime));
            find.setString(3, order.area());
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long orderId = rs.getLong(1);
                User user = new User(order.userId(), rs.getString(3), rs.getObject(4, LocalDate.class), rs.getString(5));
                BigDecimal total = rs.getBigDecimal(2);
                List<Long> detailIds = new ArrayList<>();
                details.setLong(1, orderId);
                try (ResultSet d = details.executeQuery()) {
                    while (d.next()) {
                        detailIds.add(d.getLong(1));
                    }
                }
                return new Placed(orderId, total, detailIds, createTime, user);
            }
        }
    }

    private Placed insertOrder(Action.PlaceOrder order, Map<Long, Sku> skus) throws SQLException {
        return inOneTransaction(() -> {
            Placed alone = insertOrderRow(order, skus);
            return withDetails(alone, insertDetailRows(alone, order, skus));
        });
    }

    /**
     * Commits the order without its details, which {@link #addDetails} commits later, as a client that saves an
     * order's lines in a second transaction does. Not retried over a lost connection: a test's tool, not the run's.
     */
    Placed placeOrderAlone(Action.PlaceOrder order, Map<Long, Sku> skus) throws SQLException {
        return inOneTransaction(() -> insertOrderRow(order, skus));
    }

    /** Commits the details of an order {@link #placeOrderAlone placed alone}; the order with their ids. */
    Placed addDetails(Placed alone, Action.PlaceOrder order, Map<Long, Sku> skus) throws SQLException {
        return inOneTransaction(() -> withDetails(alone, insertDetailRows(alone, order, skus)));
    }

    private <T> T inOneTransaction(Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The order row, its total from the skus' prices, and its user as the transaction reads them; no details yet. */
    private Placed insertOrderRow(Action.PlaceOrder order, Map<Long, Sku> skus) throws SQLException {
        LocalDateTime createTime = utc(order.at());
        BigDecimal total = BigDecimal.ZERO;
        for (Action.Line line : order.lines()) {
            total = total.add(skus.get(line.skuId()).price().multiply(BigDecimal.valueOf(line.num())));
        }
        total = total.setScale(2, RoundingMode.UNNECESSARY);
        try (PreparedStatement selectUser = connection.prepareStatement("SELECT gender, birthday, user_level FROM user_info WHERE id = ?");
             PreparedStatement insertOrder = connection.prepareStatement(
                "INSERT INTO order_info (consignee, consignee_tel, total_amount, order_status, user_id, payment_way, province, create_time) "
                        + "VALUES (?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
            // Read in the order's transaction: the user as MariaDB holds them when the order is committed,
            // after every profile update that came before it (a cache loaded at start would miss those).
            User user = new User(order.userId(), null, null, null);
            selectUser.setLong(1, order.userId());
            try (ResultSet rs = selectUser.executeQuery()) {
                if (rs.next()) {
                    user = new User(order.userId(), rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3));
                }
            }
            insertOrder.setString(1, "user_" + order.userId());
            insertOrder.setString(2, String.format("139%08d", order.userId() * 7919 % 100_000_000));
            insertOrder.setBigDecimal(3, total);
            insertOrder.setString(4, "1001");
            insertOrder.setLong(5, order.userId());
            insertOrder.setString(6, "online");
            insertOrder.setString(7, order.area());
            insertOrder.setTimestamp(8, Timestamp.valueOf(createTime));
            insertOrder.executeUpdate();
            try (ResultSet keys = insertOrder.getGeneratedKeys()) {
                keys.next();
                return new Placed(keys.getLong(1), total, List.of(), createTime, user);
            }
        }
    }

    private List<Long> insertDetailRows(Placed order, Action.PlaceOrder placed, Map<Long, Sku> skus) throws SQLException {
        try (PreparedStatement insertDetail = connection.prepareStatement(
                "INSERT INTO order_detail (order_id, sku_id, sku_name, order_price, sku_num, create_time) VALUES (?,?,?,?,?,?)",
                Statement.RETURN_GENERATED_KEYS)) {
            List<Long> detailIds = new ArrayList<>();
            for (Action.Line line : placed.lines()) {
                Sku sku = skus.get(line.skuId());
                insertDetail.setLong(1, order.orderId());
                insertDetail.setLong(2, sku.id());
                insertDetail.setString(3, sku.name());
                insertDetail.setBigDecimal(4, sku.price());
                insertDetail.setInt(5, line.num());
                insertDetail.setTimestamp(6, Timestamp.valueOf(order.createTime()));
                insertDetail.executeUpdate();
                try (ResultSet keys = insertDetail.getGeneratedKeys()) {
                    keys.next();
                    detailIds.add(keys.getLong(1));
                }
            }
            return detailIds;
        }
    }

    private static Placed withDetails(Placed order, List<Long> detailIds) {
        return new Placed(order.orderId(), order.total(), List.copyOf(detailIds), order.createTime(), order.user());
    }

    void settleOrder(long orderId, String status, long at) throws SQLException {
        Work<Void> settle = () -> {
            updateStatus(orderId, status, at);
            return null;
        };
        reconnecting("a settlement", settle, settle);
    }

    private void updateStatus(long orderId, String status, long at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE order_info SET order_status = ?, operate_time = ? WHERE id = ?")) {
            update.setString(1, status);
            update.setTimestamp(2, Timestamp.valueOf(utc(at)));
            update.setLong(3, orderId);
            update.executeUpdate();
        }
    }

    void updateProfile(long userId, String level, long at) throws SQLException {
        Work<Void> update = () -> {
            updateLevel(userId, level, at);
            return null;
        };
        reconnecting("a profile update", update, update);
    }

    private void updateLevel(long userId, String level, long at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE user_info SET user_level = ?, operate_time = ? WHERE id = ?")) {
            update.setString(1, level);
            update.setTimestamp(2, Timestamp.valueOf(utc(at)));
            update.setLong(3, userId);
            update.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
