package io.gmall.ingestion.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What must be true of MariaDB before the relay reads its binlog, checked at every start and printed as a
 * checklist: the binlog is on and in ROW format with full row images, the account has the grants Canal
 * needs, the saved position is still on the server, and the binlog from there can be decoded with the tables'
 * current layouts ({@link SchemaHistory}). Any failure stops the relay with what to do: a relay that silently
 * restarted from the oldest binlog over a gap would lose changes without a trace, and one that replayed rows across
 * an ALTER of their table would relay them with the wrong columns.
 */
final class Preflight {

    /** One line of the checklist: {@code problem} is null when the check passed. */
    record Check(String name, String found, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    /** The binlogs on the server, oldest first, with their sizes. */
    record Binlogs(Map<String, Long> sizes) {
        Optional<PositionStore.Position> oldest() {
            return sizes.keySet().stream().findFirst().map(f -> new PositionStore.Position(f, 4));
        }
    }

    private Preflight() {
    }

    /** Events read per SHOW BINLOG EVENTS: a page, so a long replay is never held in memory at once. */
    private static final int EVENTS_PER_PAGE = 5_000;

    /**
     * Runs every check of {@code database}'s relay; the position to start at is the saved one, or the oldest binlog
     * when none was saved.
     */
    static List<Check> run(Connection c, Optional<PositionStore.Position> saved, String database) throws SQLException {
        List<Check> checks = new ArrayList<>();
        String logBin = variable(c, "log_bin");
        checks.add(new Check("binlog on", "log_bin=" + logBin, "ON".equalsIgnoreCase(logBin) || "1".equals(logBin) ? null
                : "start MariaDB with log-bin (and binlog_format=ROW)"));
        String format = variable(c, "binlog_format");
        checks.add(new Check("binlog format ROW", "binlog_format=" + format, "ROW".equalsIgnoreCase(format) ? null
                : "set binlog_format=ROW in MariaDB's configuration and restart it: Canal decodes row events only"));
        String image = variable(c, "binlog_row_image");
        checks.add(new Check("full row images", "binlog_row_image=" + image, image == null || "FULL".equalsIgnoreCase(image) ? null
                : "set binlog_row_image=FULL: the relay sends every column of a changed row"));
        checks.add(grants(grantsOf(c)));
        Binlogs binlogs;
        try {
            binlogs = binlogs(c);
        } catch (SQLException e) {
            checks.add(new Check("binlogs listed", e.getMessage(), "grant BINLOG MONITOR (or REPLICATION CLIENT) so SHOW BINARY LOGS works"));
            return checks;
        }
        Check position = position(binlogs, saved);
        checks.add(position);
        if (position.ok()) {
            PositionStore.Position start = saved.or(binlogs::oldest).orElseThrow();
            try {
                checks.add(schemaHistory(c, binlogs, start, database));
            } catch (SQLException e) {
                checks.add(new Check("schema history", "cannot read the binlog from " + start.file() + ":" + start.offset() + ": " + e.getMessage(),
                        "a saved position is the start of an event: restore the position file, or re-snapshot and delete it"));
            }
        }
        return checks;
    }

    /**
     * Reads the binlog from {@code start} to its end, page by page, and fails at the first statement that changed
     * the layout of a table with rows before it in that range ({@link SchemaHistory}).
     */
    static Check schemaHistory(Connection c, Binlogs binlogs, PositionStore.Position start, String database) throws SQLException {
        SchemaHistory replay = new SchemaHistory(database);
        long read = 0;
        boolean reached = false;
        for (String file : binlogs.sizes().keySet()) {
            reached |= file.equals(start.file());
            if (!reached) {
                continue;
            }
            long from = file.equals(start.file()) ? start.offset() : 4;
            List<SchemaHistory.Event> page;
            do {
                page = events(c, file, from);
                for (SchemaHistory.Event e : page) {
                    read++;
                    Optional<String> table = replay.accept(e);
                    if (table.isPresent()) {
                        return new Check("schema history", "`" + e.info() + "` at " + e.file() + ":" + e.pos() + ", after rows of "
                                + database + "." + table.get() + " that a start at " + start.file() + ":" + start.offset() + " would replay",
                                "those rows would be decoded with the table's layout of today: re-snapshot " + database + "." + table.get()
                                        + " and set the position file to {\"file\":\"" + e.file() + "\",\"offset\":" + e.endPos()
                                        + "} (just past the statement)");
                    }
                }
                if (!page.isEmpty()) {
                    from = page.get(page.size() - 1).endPos();
                }
            } while (page.size() == EVENTS_PER_PAGE);
        }
        return new Check("schema history", "no ALTER, DROP or RENAME of a replayed table in the " + read + " events from "
                + start.file() + ":" + start.offset(), null);
    }

    static Check grants(List<String> grants) {
        String all = String.join(" ", grants).toUpperCase(Locale.ROOT);
        List<String> missing = new ArrayList<>();
        if (!all.contains("ALL PRIVILEGES")) {
            if (!all.contains("REPLICATION SLAVE") && !all.contains("REPLICATION REPLICA")) {
                missing.add("REPLICATION SLAVE");
            }
            if (!all.contains("BINLOG MONITOR") && !all.contains("REPLICATION CLIENT") && !all.contains("SUPER")) {
                missing.add("BINLOG MONITOR");
            }
            if (!all.matches(".*GRANT (.*[ ,])?SELECT[ ,].*")) {
                missing.add("SELECT");
            }
        }
        return new Check("grants", missing.isEmpty() ? "ok" : "missing " + String.join(", ", missing), missing.isEmpty() ? null
                : "GRANT " + String.join(", ", missing) + " ON *.* TO the relay's account (see infra/mariadb/02-users.sql)");
    }

    static Check position(Binlogs binlogs, Optional<PositionStore.Position> saved) {
        if (binlogs.sizes().isEmpty()) {
            return new Check("start position", "no binlog on the server", "start MariaDB with log-bin");
        }
        if (saved.isEmpty()) {
            PositionStore.Position oldest = binlogs.oldest().orElseThrow();
            return new Check("start position", "none saved: the oldest binlog " + oldest.file() + ":" + oldest.offset(), null);
        }
        PositionStore.Position p = saved.get();
        Long size = binlogs.sizes().get(p.file());
        if (size == null) {
            return new Check("start position", "saved " + p.file() + ":" + p.offset() + ", not among the server's binlogs "
                    + binlogs.sizes().keySet(), "the binlog was purged before it was relayed, so changes are missing from Kafka: "
                    + "re-snapshot the tables, then delete the position file to start at the oldest binlog");
        }
        if (p.offset() > size) {
            return new Check("start position", "saved " + p.file() + ":" + p.offset() + ", past the file's end " + size,
                    "the position file belongs to another server or a rebuilt datadir: re-snapshot, then delete the position file");
        }
        return new Check("start position", "saved " + p.file() + ":" + p.offset() + ", on the server", null);
    }

    /** The checklist as printed at start, one line per check. */
    static String format(List<Check> checks) {
        StringBuilder b = new StringBuilder();
        for (Check check : checks) {
            b.append(check.ok() ? "  [ok]   " : "  [FAIL] ").append(check.name()).append(": ").append(check.found());
            if (!check.ok()) {
                b.append(" -> ").append(check.problem());
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    private static List<String> grantsOf(Connection c) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                grants.add(rs.getString(1));
            }
        }
        return grants;
    }

    private static List<SchemaHistory.Event> events(Connection c, String file, long from) throws SQLException {
        List<SchemaHistory.Event> events = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SHOW BINLOG EVENTS IN ? FROM " + from + " LIMIT " + EVENTS_PER_PAGE)) {
            s.setString(1, file);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(new SchemaHistory.Event(rs.getString("Log_name"), rs.getLong("Pos"), rs.getString("Event_type"),
                            rs.getLong("End_log_pos"), rs.getString("Info")));
                }
            }
        }
        return events;
    }

    private static Binlogs binlogs(Connection c) throws SQLException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return new Binlogs(sizes);
    }
}
