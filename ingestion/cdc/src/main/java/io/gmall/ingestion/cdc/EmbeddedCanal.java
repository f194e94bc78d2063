package io.gmall.ingestion.cdc;

import com.alibaba.otter.canal.instance.manager.CanalInstanceWithManager;
import com.alibaba.otter.canal.instance.manager.model.Canal;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter;
import com.alibaba.otter.canal.server.embedded.CanalServerWithEmbedded;
import com.alibaba.otter.canal.server.netty.CanalServerWithNetty;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A Canal server inside the relay's JVM: one instance reading MariaDB's binlog in file/position mode
 * (MariaDB's GTIDs are not MySQL's), memory meta and store, no table-meta history database, served to
 * canal.client over loopback.
 */
final class EmbeddedCanal implements AutoCloseable {

    private final CanalServerWithEmbedded embedded = new CanalServerWithEmbedded();
    private final CanalServerWithNetty netty = CanalServerWithNetty.instance();
    private final String destination;

    EmbeddedCanal(CdcConfig config, PositionStore.Position start) {
        this.destination = config.destination();
        CanalParameter p = new CanalParameter();
        p.setCanalId(1L);
        p.setMetaMode(CanalParameter.MetaMode.MEMORY);
        p.setIndexMode(CanalParameter.IndexMode.MEMORY);
        p.setStorageMode(CanalParameter.StorageMode.MEMORY);
        p.setMemoryStorageBufferSize(16 * 1024);
        p.setSourcingType(CanalParameter.SourcingType.MYSQL);
        p.setHaMode(CanalParameter.HAMode.HEARTBEAT);
        p.setDetectingEnable(false);
        p.setTsdbEnable(false);
        p.setGtidEnable(false);
        p.setSlaveId(config.slaveId());
        p.setConnectionCharset("UTF-8");
        p.setDbAddresses(List.of(new InetSocketAddress(config.mysqlHost(), config.mysqlPort())));
        p.setDbUsername(config.mysqlUser());
        p.setDbPassword(config.mysqlPassword());
        p.setDefaultDatabaseName(config.database());
        p.setPositions(List.of("{\"journalName\":\"" + start.file() + "\",\"position\":" + start.offset() + "}"));
        Canal canal = new Canal();
        canal.setId(1L);
        canal.setName(destination);
        canal.setCanalParameter(p);
        String filter = config.database() + "\\..*";
        embedded.setCanalInstanceGenerator(dest -> new CanalInstanceWithManager(canal, filter));
        netty.setEmbeddedServer(embedded);
        netty.setIp(config.canalHost());
        netty.setPort(config.canalPort());
    }

    void start() {
        embedded.start();
        embedded.start(destination);
        netty.start();
    }

    @Override
    public void close() {
        netty.stop();
        if (embedded.isStart(destination)) {
            embedded.stop(destination);
        }
        embedded.stop();
    }
}
