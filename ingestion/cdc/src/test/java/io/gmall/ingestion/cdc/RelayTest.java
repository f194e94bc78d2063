package io.gmall.ingestion.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.gmall.ingestion.contract.LogJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's batch, acknowledgement and position logic, with Canal scripted and Kafka's MockProducer. */
class RelayTest {

    @TempDir
    Path dir;
    private final List<RelayMetrics> metrics = new ArrayList<>();

    /** Canal as the relay sees it: scripted batches, a rolled-back batch comes again; every call is logged. */
    private static final class ScriptedCanal implements CanalConnector {
        final Deque<Message> batches = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();
        private final List<Message> unacked = new ArrayList<>();
        Runnable whenDrained = () -> { };

        @Override
        public Message getWithoutAck(int batchSize, Long timeout, TimeUnit unit) {
            if (batches.isEmpty()) {
                whenDrained.run();
                return new Message(-1, List.of());
            }
            Message m = batches.poll();
            unacked.add(m);
            calls.add("get " + m.getId());
            return m;
        }

        @Override
        public void ack(long batchId) {
            unacked.removeIf(m -> m.getId() == batchId);
            calls.add("ack " + batchId);
        }

        @Override
        public void rollback(long batchId) {
            calls.add("rollback " + batchId);
            unacked.stream().filter(m -> m.getId() == batchId).findFirst().ifPresent(m -> {
                unacked.remove(m);
                batches.addFirst(m);
            });
        }

        @Override
        public void rollback() {
        }

        @Override
        public void connect() {
        }

        @Override
        public void disconnect() {
        }

        @Override
        public boolean checkValid() {
            return true;
        }

        @Override
        public void subscribe(String filter) {
        }

        @Override
        public void subscribe() {
        }

        @Override
        public void unsubscribe() {
        }

        @Override
        public Message get(int batchSize) {
            throw new UnsupportedOperationException("the relay acknowledges explicitly");
        }

        @Override
        public Message get(int batchSize, Long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("the relay acknowledges explicitly");
        }

        @Override
        public Message getWithoutAck(int batchSize) {
            return getWithoutAck(batchSize, 0L, TimeUnit.MILLISECONDS);
        }
    }

    /** Kafka's MockProducer, failing the sends {@code failing} picks with {@code error}. */
    private static final class FailingProducer extends MockProducer<String, byte[]> {
        private final Predicate<ProducerRecord<String, byte[]>> failing;
        private final RuntimeException error;

        FailingProducer(Predicate<ProducerRecord<String, byte[]>> failing, RuntimeException error) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.failing = failing;
            this.error = error;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            return failing.test(record) ? CompletableFuture.failedFuture(error) : super.send(record, callback);
        }
    }

    private static CanalEntry.Entry insert(long id) {
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setEventType(CanalEntry.EventType.INSERT)
                .addRowDatas(CanalEntry.RowData.newBuilder()
                        .addAfterColumns(CanalEntry.Column.newBuilder().setName("id").setMysqlType("bigint(20)").setIsKey(true).setValue(Long.toString(id)))
                        .addAfterColumns(CanalEntry.Column.newBuilder().setName("v").setMysqlType("varchar(20)").setValue("row " + id)))
                .build();
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("gmall").setTableName("t").setLogfileName("binlog.000001")
                        .setLogfileOffset(100 * id).setExecuteTime(1_795_000_000_000L).setEventType(CanalEntry.EventType.INSERT))
                .setStoreValue(change.toByteString()).build();
    }

    private static CanalEntry.Entry commit(long offset) {
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.TRANSACTIONEND)
                .setHeader(CanalEntry.Header.newBuilder().setLogfileName("binlog.000001").setLogfileOffset(offset).setEventLength(31)).build();
    }

    private static Message batch(long id, CanalEntry.Entry... entries) {
        return new Message(id, List.of(entries));
    }

    private CdcConfig config(Relay.Oversize oversize) {
        return new CdcConfig("127.0.0.1", 3306, "canal", "canal", "gmall", 1001, "127.0.0.1", 0, "gmall", "127.0.0.1:9092", "gmall.cdc.",
                dir.resolve("position.json"), 1000, oversize);
    }

    @AfterEach
    void closeMetrics() {
        metrics.forEach(RelayMetrics::close);
    }

    private Relay relay(ScriptedCanal canal, MockProducer<String, byte[]> producer, PositionStore positions, Relay.Oversize oversize)
            throws Exception {
        RelayMetrics m = new RelayMetrics("127.0.0.1", 0);
        metrics.add(m);
        Relay relay = new Relay(canal, producer, topic -> topic, positions, config(oversize), m);
        canal.whenDrained = relay::stop;
        return relay;
    }

    private static long idOf(ProducerRecord<String, byte[]> r) {
        try {
            return LogJson.MAPPER.readTree(r.value()).at("/pk/id").asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBatchIsAcknowledgedOnlyAfterKafkaHasItAndThePositionIsSaved() throws Exception {
        ScriptedCanal canal = new ScriptedCanal();
        canal.batches.add(batch(1, insert(1), insert(2), commit(250), insert(3)));
        MockProducer<String, byte[]> kafka = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        PositionStore positions = new PositionStore(dir.resolve("position.json"));

        relay(canal, kafka, positions, Relay.Oversize.FAIL).run();

        assertThat(kafka.history()).extracting(RelayTest::idOf).containsExactly(1L, 2L, 3L);
        assertThat(kafka.history()).extracting(ProducerRecord::topic).containsOnly("gmall.cdc.t");
        assertThat(positions.load()).as("the end of the last complete transaction, not past the open one")
                .contains(new PositionStore.Position("binlog.000001", 281));
        assertThat(canal.calls).containsExactly("get 1", "ack 1");
    }

    @Test
    void aBatchKafkaFailsIsRolledBackAndRelayedAgainWithNothingSkipped() throws Exception {
        ScriptedCanal canal = new ScriptedCanal();
        canal.batches.add(batch(1, insert(1), commit(150)));
        canal.batches.add(batch(2, insert(2), insert(3), commit(350)));
        boolean[] failed = {false};
        MockProducer<String, byte[]> kafka = new FailingProducer(r -> idOf(r) == 3 && !failed[0] && (failed[0] = true),
                new TimeoutException("Kafka away"));
        PositionStore positions = new PositionStore(dir.resolve("position.json"));

        relay(canal, kafka, positions, Relay.Oversize.FAIL).run();

        assertThat(canal.calls).containsExactly("get 1", "ack 1", "get 2", "rollback 2", "get 2", "ack 2");
        assertThat(kafka.history()).extracting(RelayTest::idOf).as("record 2 twice (at least once), 3 once it went through")
                .containsExactly(1L, 2L, 2L, 3L);
        assertThat(positions.load()).contains(new PositionStore.Position("binlog.000001", 381));
    }

    @Test
    void aPositionThatCannotBeSavedStopsTheRelayBeforeCanalIsAcknowledged() throws Exception {
        ScriptedCanal canal = new ScriptedCanal();
        canal.batches.add(batch(1, insert(1), commit(150)));
        Path blocked = dir.resolve("not-a-dir");
        Files.writeString(blocked, "a file where the position's directory should be");
        PositionStore positions = new PositionStore(blocked.resolve("position.json"));
        MockProducer<String, byte[]> kafka = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

        Relay relay = relay(canal, kafka, positions, Relay.Oversize.FAIL);
        relay.run();

        assertThat(relay.failure()).isNotNull();
        assertThat(relay.failure().getMessage()).contains("cannot save the binlog position").contains(blocked.toString());
        assertThat(canal.calls).containsExactly("get 1");
    }

    @Test
    void aChangeTooLargeForKafkaStopsTheRelayByDefault() throws Exception {
        ScriptedCanal canal = new ScriptedCanal();
        canal.batches.add(batch(1, insert(1), insert(2), commit(250)));
        MockProducer<String, byte[]> kafka = new FailingProducer(r -> idOf(r) == 2, new RecordTooLargeException("2000000 bytes"));

        Relay relay = relay(canal, kafka, new PositionStore(dir.resolve("position.json")), Relay.Oversize.FAIL);
        relay.run();

        assertThat(relay.failure().getMessage()).contains("too large for Kafka").contains("--oversize dlq");
        assertThat(canal.calls).containsExactly("get 1");
    }

    @Test
    void inDlqModeATooLargeChangeLeavesItsKeyAndReasonInTheDlqAndTheRelayGoesOn() throws Exception {
        ScriptedCanal canal = new ScriptedCanal();
        canal.batches.add(batch(1, insert(1), insert(2), commit(250)));
        canal.batches.add(batch(2, insert(3), commit(350)));
        MockProducer<String, byte[]> kafka = new FailingProducer(r -> r.topic().equals("gmall.cdc.t") && idOf(r) == 2,
                new RecordTooLargeException("2000000 bytes"));
        PositionStore positions = new PositionStore(dir.resolve("position.json"));

        Relay relay = relay(canal, kafka, positions, Relay.Oversize.DLQ);
        relay.run();

        assertThat(relay.failure()).isNull();
        assertThat(canal.calls).containsExactly("get 1", "ack 1", "get 2", "ack 2");
        List<ProducerRecord<String, byte[]>> dlq = kafka.history().stream().filter(r -> r.topic().equals("gmall.cdc.dlq")).toList();
        assertThat(dlq).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("2");
            assertThat(LogJson.MAPPER.readTree(r.value()).path("reason").asText()).contains("too large");
            assertThat(LogJson.MAPPER.readTree(r.value()).path("table").asText()).isEqualTo("t");
        });
        assertThat(positions.load()).contains(new PositionStore.Position("binlog.000001", 381));
    }

    @Test
    void theProducerGivesUpOnASendBeforeTheRelayGivesUpOnItsBatch() {
        Map<String, Object> p = new HashMap<>(CdcMain.producerConfig("127.0.0.1:9092"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // Parsed and checked as KafkaProducer does, without connecting.
        ProducerConfig config = new ProducerConfig(p);
        long send = Relay.SEND_TIMEOUT.toMillis();
        long delivery = config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        long request = config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        long linger = config.getLong(ProducerConfig.LINGER_MS_CONFIG);
        assertThat(delivery).isLessThan(send);
        assertThat(config.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isLessThan(send);
        assertThat(delivery).as("Kafka refuses a delivery time-out below linger + request time-out").isGreaterThanOrEqualTo(linger + request);
        assertThat(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
    }
}
