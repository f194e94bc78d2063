package io.gmall.ingestion.cdc;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the binlog from a start position can be replayed with the tables' current layouts. Canal decodes a row
 * event with its table's layout as the server has it now (the relay keeps no table-meta history), so a row written
 * before an ALTER, DROP or RENAME of its table, replayed after it, would be decoded with the wrong columns or not at
 * all. A replay that crosses such a statement is refused and the statement named. DDL of a table before any of its
 * replayed rows (a new table's CREATE, an ALTER before the first insert) is harmless: those rows have today's layout.
 */
final class SchemaHistory {

    /** One event as {@code SHOW BINLOG EVENTS} lists it. */
    record Event(String file, long pos, String type, long endPos, String info) {
    }

    private static final Pattern TABLE_MAP = Pattern.compile("\\(([^().]+)\\.([^()]+)\\)\\s*$");
    private static final Pattern USE = Pattern.compile("^\\s*use\\s+`?([^`;]+)`?\\s*;\\s*", Pattern.CASE_INSENSITIVE);
    private static final String NAME = "(?:`[^`]+`|[\\w$]+)(?:\\s*\\.\\s*(?:`[^`]+`|[\\w$]+))?";
    private static final Pattern ALTER = Pattern.compile(
            "^ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?(" + NAME + ")", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_OR_REPLACE = Pattern.compile(
            "^CREATE\\s+OR\\s+REPLACE\\s+(?:TEMPORARY\\s+)?TABLE\\s+(" + NAME + ")", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP = Pattern.compile(
            "^DROP\\s+(?:TEMPORARY\\s+)?TABLES?\\s+(?:IF\\s+EXISTS\\s+)?((?:" + NAME + ")(?:\\s*,\\s*" + NAME + ")*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME = Pattern.compile(
            "^RENAME\\s+TABLES?\\s+((?:" + NAME + ")\\s+TO\\s+" + NAME + "(?:\\s*,\\s*" + NAME + "\\s+TO\\s+" + NAME + ")*)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_COMMENT = Pattern.compile("^\\s*(?:/\\*.*?\\*/\\s*)*", Pattern.DOTALL);

    private final String database;
    private final Set<String> tablesWithRows = new HashSet<>();

    /** A replay of the binlog of {@code database}, fed its events in binlog order from the start position. */
    SchemaHistory(String database) {
        this.database = database.toLowerCase(Locale.ROOT);
    }

    /** The event if it changes the layout of a table whose rows came before it in the replay, else empty. */
    Optional<String> accept(Event e) {
        if ("Table_map".equalsIgnoreCase(e.type())) {
            Matcher m = TABLE_MAP.matcher(e.info());
            if (m.find() && m.group(1).equalsIgnoreCase(database)) {
                tablesWithRows.add(m.group(2).toLowerCase(Locale.ROOT));
            }
            return Optional.empty();
        }
        if (!"Query".equalsIgnoreCase(e.type()) || tablesWithRows.isEmpty()) {
            return Optional.empty();
        }
        for (String table : tablesChanged(e.info())) {
            if (tablesWithRows.contains(table)) {
                return Optional.of(table);
            }
        }
        return Optional.empty();
    }

    /** The tables of this database whose layout a Query event's statement changes (ALTER, DROP, RENAME, CREATE OR REPLACE). */
    List<String> tablesChanged(String info) {
        String defaultDb = null;
        Matcher use = USE.matcher(info);
        String statement = info;
        if (use.find()) {
            defaultDb = use.group(1);
            statement = info.substring(use.end());
        }
        statement = LEADING_COMMENT.matcher(statement).replaceFirst("");
        List<String> names = new java.util.ArrayList<>();
        Matcher m;
        if ((m = ALTER.matcher(statement)).find() || (m = CREATE_OR_REPLACE.matcher(statement)).find()) {
            names.add(m.group(1));
        } else if ((m = DROP.matcher(statement)).find()) {
            names.addAll(List.of(m.group(1).split("\\s*,\\s*")));
        } else if ((m = RENAME.matcher(statement)).find()) {
            for (String pair : m.group(1).split("\\s*,\\s*")) {
                names.add(pair.split("(?i)\\s+TO\\s+")[0]);
            }
        }
        List<String> ours = new java.util.ArrayList<>();
        for (String name : names) {
            String[] parts = name.replace("`", "").split("\\s*\\.\\s*");
            String db = parts.length == 2 ? parts[0] : defaultDb;
            if (db != null && db.equalsIgnoreCase(database)) {
                ours.add(parts[parts.length - 1].toLowerCase(Locale.ROOT));
            }
        }
        return ours;
    }
}
