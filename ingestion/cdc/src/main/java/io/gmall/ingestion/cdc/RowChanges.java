package io.gmall.ingestion.cdc;

import com.alibaba.otter.canal.protocol.CanalEntry;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gmall.ingestion.contract.CdcEnvelope;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Canal entries into CDC envelopes: one per row of each insert, update and delete, with values
 * typed from the column's MySQL type. Transaction markers, DDL and MariaDB's annotate-rows entries
 * (QUERY entries with an empty schema) carry no rows and are skipped.
 */
final class RowChanges {

    private static final Pattern DECIMAL_SCALE = Pattern.compile("decimal\\(\\d+,(\\d+)\\)");

    /** An envelope with the Kafka key it is written under (the primary key's values). */
    record Change(String topicTable, String key, CdcEnvelope envelope) {
    }

    private RowChanges() {
    }

    static List<Change> of(CanalEntry.Entry entry) throws InvalidProtocolBufferException {
        if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
            return List.of();
        }
        CanalEntry.RowChange rowChange = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
        CanalEntry.EventType type = rowChange.getEventType();
        String op = switch (type) {
            case INSERT -> CdcEnvelope.CREATE;
            case UPDATE -> CdcEnvelope.UPDATE;
            case DELETE -> CdcEnvelope.DELETE;
            default -> null;
        };
        CanalEntry.Header header = entry.getHeader();
        if (op == null || rowChange.getIsDdl() || header.getSchemaName().isEmpty()) {
            return List.of();
        }
        List<Change> changes = new ArrayList<>(rowChange.getRowDatasCount());
        CdcEnvelope.Binlog binlog = new CdcEnvelope.Binlog(header.getLogfileName(), header.getLogfileOffset());
        for (CanalEntry.RowData row : rowChange.getRowDatasList()) {
            Map<String, Object> before = op.equals(CdcEnvelope.CREATE) ? null : values(row.getBeforeColumnsList());
            Map<String, Object> after = op.equals(CdcEnvelope.DELETE) ? null : values(row.getAfterColumnsList());
            Map<String, Object> pk = primaryKey(op.equals(CdcEnvelope.DELETE) ? row.getBeforeColumnsList() : row.getAfterColumnsList());
            if (op.equals(CdcEnvelope.UPDATE)) {
                Map<String, Object> oldPk = primaryKey(row.getBeforeColumnsList());
                if (!oldPk.equals(pk)) {
                    // Keyed consumers keep one state per key: the old key is deleted, the new one created.
                    changes.add(change(header, new CdcEnvelope(CdcEnvelope.DELETE, header.getSchemaName(), header.getTableName(), oldPk,
                            before, null, binlog, header.getExecuteTime())));
                    changes.add(change(header, new CdcEnvelope(CdcEnvelope.CREATE, header.getSchemaName(), header.getTableName(), pk,
                            null, after, binlog, header.getExecuteTime())));
                    continue;
                }
            }
            changes.add(change(header, new CdcEnvelope(op, header.getSchemaName(), header.getTableName(), pk, before, after, binlog,
                    header.getExecuteTime())));
        }
        return changes;
    }

    private static Change change(CanalEntry.Header header, CdcEnvelope envelope) {
        return new Change(header.getTableName(), key(envelope.pk()), envelope);
    }

    private static Map<String, Object> primaryKey(List<CanalEntry.Column> columns) {
        Map<String, Object> pk = new LinkedHashMap<>();
        for (CanalEntry.Column c : columns) {
            if (c.getIsKey()) {
                pk.put(c.getName(), typed(c));
            }
        }
        return pk;
    }

    /** The Kafka key: the primary key's values, joined with '|' when there are several. */
    static String key(Map<String, Object> pk) {
        List<String> parts = new ArrayList<>();
        pk.values().forEach(v -> parts.add(String.valueOf(v)));
        return String.join("|", parts);
    }

    private static Map<String, Object> values(List<CanalEntry.Column> columns) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (CanalEntry.Column c : columns) {
            values.put(c.getName(), typed(c));
        }
        return values;
    }

    /** A column's value as JSON should carry it: numbers as numbers, DECIMAL exact at its declared scale. */
    static Object typed(CanalEntry.Column c) {
        if (c.getIsNull()) {
            return null;
        }
        String value = c.getValue();
        String type = c.getMysqlType().toLowerCase(Locale.ROOT);
        try {
            if (type.startsWith("bigint") && type.contains("unsigned")) {
                return new BigInteger(value);
            }
            if (type.startsWith("tinyint") || type.startsWith("smallint") || type.startsWith("mediumint")
                    || type.startsWith("int") || type.startsWith("bigint") || type.startsWith("year")) {
                return Long.parseLong(value);
            }
            if (type.startsWith("decimal")) {
                BigDecimal d = new BigDecimal(value);
                Matcher m = DECIMAL_SCALE.matcher(type);
                // Canal renders 20.00 as "20.0": restore the column's scale so amounts stay exact and comparable.
                return m.find() ? d.setScale(Integer.parseInt(m.group(1))) : d;
            }
            if (type.startsWith("float") || type.startsWith("double") || type.startsWith("real")) {
                return Double.parseDouble(value);
            }
            if (type.startsWith("datetime") || type.startsWith("timestamp")) {
                return value.replace(' ', 'T');
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return value;
        }
        return value;
    }
}
