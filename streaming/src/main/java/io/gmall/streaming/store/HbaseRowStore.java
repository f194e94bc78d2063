package io.gmall.streaming.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;

/** {@link RowStore} on HBase: one shared connection, one batch of puts or deletes per call. Cells are UTF-8 text. */
public final class HbaseRowStore implements RowStore, AutoCloseable {

    private final Connection connection;
    private final String namespace;

    public HbaseRowStore(String quorum, int port, String namespace) {
        try {
            this.connection = ConnectionFactory.createConnection(configuration(quorum, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to HBase through ZooKeeper " + quorum + ":" + port, e);
        }
        this.namespace = namespace;
    }

    /** The client settings of gmall's HBase connections: the cluster's ZooKeeper, and failures within seconds. */
    public static Configuration configuration(String quorum, int port) {
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", quorum);
        conf.setInt("hbase.zookeeper.property.clientPort", port);
        // Fail a batch's write within seconds when HBase is away, so the retry loop (not the client) decides.
        conf.setInt("hbase.client.retries.number", 3);
        conf.setInt("hbase.client.operation.timeout", 20_000);
        conf.setInt("hbase.rpc.timeout", 10_000);
        return conf;
    }

    private Table table(String name) throws IOException {
        return connection.getTable(TableName.valueOf(namespace, name));
    }

    @Override
    public void put(String table, String family, Map<String, Map<String, String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        byte[] f = Bytes.toBytes(family);
        List<Put> puts = new ArrayList<>(rows.size());
        rows.forEach((row, cells) -> {
            Put put = new Put(Bytes.toBytes(row));
            cells.forEach((q, v) -> put.addColumn(f, Bytes.toBytes(q), Bytes.toBytes(v)));
            puts.add(put);
        });
        try (Table t = table(table)) {
            t.put(puts);
        } catch (IOException e) {
            throw new UncheckedIOException("HBase put into " + namespace + ":" + table, e);
        }
    }

    @Override
    public void delete(String table, Collection<String> rowKeys) {
        if (rowKeys.isEmpty()) {
            return;
        }
        List<Delete> deletes = new ArrayList<>();
        rowKeys.forEach(k -> deletes.add(new Delete(Bytes.toBytes(k))));
        try (Table t = table(table)) {
            t.delete(deletes);
        } catch (IOException e) {
            throw new UncheckedIOException("HBase delete from " + namespace + ":" + table, e);
        }
    }

    @Override
    public Map<String, String> get(String table, String family, String rowKey) {
        Map<String, String> cells = new java.util.TreeMap<>();
        try (Table t = table(table)) {
            org.apache.hadoop.hbase.client.Result r = t.get(new org.apache.hadoop.hbase.client.Get(Bytes.toBytes(rowKey)));
            java.util.NavigableMap<byte[], byte[]> map = r.getFamilyMap(Bytes.toBytes(family));
            if (map != null) {
                map.forEach((q, v) -> cells.put(Bytes.toString(q), Bytes.toString(v)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("HBase get from " + namespace + ":" + table, e);
        }
        return cells;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
