package io.gmall.serving.realtime;

import io.gmall.serving.ServingProperties;
import io.gmall.serving.StoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * {@link RowReader} on HBase: one connection, opened at the first read (so the API starts, and answers 503,
 * while HBase is down) and kept; every read bounded by the configured time-out instead of HBase's minutes of
 * retries.
 */
@Component
public final class HbaseRowReader implements RowReader, DisposableBean {

    private final Configuration conf;
    private final String namespace;
    private Connection connection;

    public HbaseRowReader(ServingProperties properties) {
        ServingProperties.Hbase hbase = properties.hbase();
        this.namespace = hbase.namespace();
        this.conf = HBaseConfiguration.create();
        int millis = (int) hbase.timeout().toMillis();
        conf.set("hbase.zookeeper.quorum", hbase.zookeeperQuorum());
        conf.setInt("hbase.zookeeper.property.clientPort", hbase.zookeeperPort());
        conf.setInt("hbase.client.operation.timeout", millis);
        conf.setInt("hbase.client.meta.operation.timeout", millis);
        conf.setInt("hbase.rpc.timeout", millis);
        conf.setInt("hbase.client.retries.number", 2);
        conf.setInt("zookeeper.recovery.retry", 1);
        conf.setInt("zookeeper.session.timeout", Math.max(millis, 4000));
    }

    @Override
    public Map<String, Map<String, String>> rows(String table, List<String> rowKeys) {
        List<Get> gets = new ArrayList<>();
        rowKeys.forEach(k -> gets.add(new Get(Bytes.toBytes(k))));
        try (Table t = connection().getTable(TableName.valueOf(namespace, table))) {
            Result[] results = t.get(gets);
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            for (int i = 0; i < rowKeys.size(); i++) {
                Map<String, String> cells = new LinkedHashMap<>();
                if (results[i] != null && !results[i].isEmpty()) {
                    for (Cell c : results[i].rawCells()) {
                        cells.put(Bytes.toString(CellUtil.cloneQualifier(c)), Bytes.toString(CellUtil.cloneValue(c)));
                    }
                }
                out.put(rowKeys.get(i), cells);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("HBase", "reading " + namespace + ":" + table, e);
        }
    }

    private synchronized Connection connection() throws IOException {
        if (connection == null || connection.isClosed()) {
            connection = ConnectionFactory.createConnection(conf);
        }
        return connection;
    }

    @Override
    public synchronized void destroy() throws IOException {
        if (connection != null) {
            connection.close();
        }
    }
}
