package io.gmall.ingestion.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.otter.canal.protocol.CanalEntry;
import io.gmall.ingestion.contract.CdcEnvelope;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowChangesTest {

    private static CanalEntry.Column column(String name, String mysqlType, String value, boolean key) {
        CanalEntry.Column.Builder c = CanalEntry.Column.newBuilder().setName(name).setMysqlType(mysqlType).setIsKey(key);
        return value == null ? c.setIsNull(true).build() : c.setValue(value).build();
    }

    private static List<CanalEntry.Column> order(String amount, String status) {
        return List.of(column("id", "bigint(20)", "7", true), column("total_amount", "decimal(16,2)", amount, false),
                column("order_status", "varchar(20)", status, false), column("create_time", "datetime(3)", "2026-11-24 16:00:00.123", false),
                column("operate_time", "datetime(3)", null, false));
    }

    private static CanalEntry.Entry entry(CanalEntry.EventType type, String schema, boolean ddl, CanalEntry.RowData... rows) {
        CanalEntry.RowChange.Builder change = CanalEntry.RowChange.newBuilder().setEventType(type).setIsDdl(ddl);
        for (CanalEntry.RowData r : rows) {
            change.addRowDatas(r);
        }
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName(schema).setTableName("order_info").setLogfileName("binlog.000003")
                        .setLogfileOffset(1234).setExecuteTime(1_795_000_000_000L).setEventType(type))
                .setStoreValue(change.build().toByteString()).build();
    }

    @Test
    void anInsertIsTypedAndKeyedByItsPrimaryKey() throws Exception {
        List<RowChanges.Change> changes = RowChanges.of(entry(CanalEntry.EventType.INSERT, "gmall", false,
                CanalEntry.RowData.newBuilder().addAllAfterColumns(order("20.0", "1001")).build()));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.topicTable()).isEqualTo("order_info");
            assertThat(c.key()).isEqualTo("7");
            CdcEnvelope e = c.envelope();
            assertThat(e.op()).isEqualTo("c");
            assertThat(e.before()).isNull();
            assertThat(e.pk()).containsEntry("id", 7L);
            assertThat(e.after().get("total_amount")).isEqualTo(new BigDecimal("20.00"));
            assertThat(e.after().get("create_time")).isEqualTo("2026-11-24T16:00:00.123");
            assertThat(e.after()).containsEntry("operate_time", null);
            assertThat(e.binlog()).isEqualTo(new CdcEnvelope.Binlog("binlog.000003", 1234));
            assertThat(e.ts()).isEqualTo(1_795_000_000_000L);
        });
    }

    @Test
    void anUpdateCarriesBothSidesAndADeleteOnlyTheBefore() throws Exception {
        CanalEntry.RowData updated = CanalEntry.RowData.newBuilder().addAllBeforeColumns(order("20.00", "1001")).addAllAfterColumns(order("20.00", "1002")).build();
        CanalEntry.RowData deleted = CanalEntry.RowData.newBuilder().addAllBeforeColumns(order("20.00", "1002")).build();

        CdcEnvelope update = RowChanges.of(entry(CanalEntry.EventType.UPDATE, "gmall", false, updated)).get(0).envelope();
        CdcEnvelope delete = RowChanges.of(entry(CanalEntry.EventType.DELETE, "gmall", false, deleted)).get(0).envelope();

        assertThat(update.op()).isEqualTo("u");
        assertThat(update.before()).containsEntry("order_status", "1001");
        assertThat(update.after()).containsEntry("order_status", "1002");
        assertThat(delete.op()).isEqualTo("d");
        assertThat(delete.after()).isNull();
        assertThat(delete.pk()).containsEntry("id", 7L);
    }

    @Test
    void anUpdateOfThePrimaryKeyDeletesTheOldKeyAndCreatesTheNewOne() throws Exception {
        List<CanalEntry.Column> renumbered = List.of(column("id", "bigint(20)", "8", true), column("total_amount", "decimal(16,2)", "20.0", false),
                column("order_status", "varchar(20)", "1001", false), column("create_time", "datetime(3)", "2026-11-24 16:00:00.123", false),
                column("operate_time", "datetime(3)", null, false));
        CanalEntry.RowData moved = CanalEntry.RowData.newBuilder().addAllBeforeColumns(order("20.00", "1001")).addAllAfterColumns(renumbered).build();

        List<RowChanges.Change> changes = RowChanges.of(entry(CanalEntry.EventType.UPDATE, "gmall", false, moved));

        assertThat(changes).extracting(RowChanges.Change::key).containsExactly("7", "8");
        assertThat(changes.get(0).envelope().op()).isEqualTo("d");
        assertThat(changes.get(0).envelope().after()).isNull();
        assertThat(changes.get(0).envelope().before()).containsEntry("id", 7L);
        assertThat(changes.get(1).envelope().op()).isEqualTo("c");
        assertThat(changes.get(1).envelope().before()).isNull();
        assertThat(changes.get(1).envelope().after()).containsEntry("id", 8L).containsEntry("order_status", "1001");
    }

    @Test
    void annotateRowsDdlAndTransactionMarkersCarryNoChanges() throws Exception {
        CanalEntry.Entry annotate = entry(CanalEntry.EventType.QUERY, "", false);
        CanalEntry.Entry ddl = entry(CanalEntry.EventType.ALTER, "gmall", true);
        CanalEntry.Entry end = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.TRANSACTIONEND)
                .setHeader(CanalEntry.Header.newBuilder().setLogfileName("binlog.000003").setLogfileOffset(99)).build();

        assertThat(RowChanges.of(annotate)).isEmpty();
        assertThat(RowChanges.of(ddl)).isEmpty();
        assertThat(RowChanges.of(end)).isEmpty();
    }

    @Test
    void aRowOfSeveralChangesGivesOneEnvelopeEach() throws Exception {
        CanalEntry.RowData a = CanalEntry.RowData.newBuilder().addAllAfterColumns(order("1.00", "1001")).build();
        CanalEntry.RowData b = CanalEntry.RowData.newBuilder().addAllAfterColumns(order("2.00", "1001")).build();
        assertThat(RowChanges.of(entry(CanalEntry.EventType.INSERT, "gmall", false, a, b))).hasSize(2);
    }

    @Test
    void numericTypesBecomeNumbers() {
        assertThat(RowChanges.typed(column("n", "int(11)", "-5", false))).isEqualTo(-5L);
        assertThat(RowChanges.typed(column("n", "tinyint(1)", "1", false))).isEqualTo(1L);
        assertThat(RowChanges.typed(column("n", "bigint(20) unsigned", "18446744073709551615", false))).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(RowChanges.typed(column("n", "double", "1.5", false))).isEqualTo(1.5);
        assertThat(RowChanges.typed(column("n", "decimal(10,2)", "19.9", false))).isEqualTo(new BigDecimal("19.90"));
        assertThat(RowChanges.typed(column("d", "date", "1990-05-01", false))).isEqualTo("1990-05-01");
        assertThat(RowChanges.typed(column("s", "char(1)", "F", false))).isEqualTo("F");
    }

    @Test
    void aCompositeKeyJoinsItsValues() {
        assertThat(RowChanges.key(new java.util.LinkedHashMap<>(java.util.Map.of("a", 1L)))).isEqualTo("1");
        java.util.Map<String, Object> pk = new java.util.LinkedHashMap<>();
        pk.put("order_id", 3L);
        pk.put("sku_id", 9L);
        assertThat(RowChanges.key(pk)).isEqualTo("3|9");
    }
}
