package io.gmall.ingestion.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gmall.ingestion.contract.LogJson;
import io.gmall.ingestion.contract.StartupLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's load, built before any clock starts so that the client's JSON and gzip are not measured: valid
 * startup logs of devices {@code bench_*}, marked {@code bench_run}, each with an {@code event_id} of its own,
 * grouped into gzip request bodies.
 */
final class PreparedLoad {

    /** Records kept one by one for the raw producer, which cycles through them. */
    private static final int RAW_RECORDS = 100_000;
    /** Bodies kept uncompressed for the in-process measurement of the collector's own work. */
    private static final int PLAIN_BODIES = 100;

    final List<byte[]> records = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    final List<byte[]> bodies;
    final List<byte[]> plainBodies = new ArrayList<>();
    final int recordsPerBody;

    PreparedLoad(String runId, int requests, int recordsPerBody) throws IOException {
        this.recordsPerBody = recordsPerBody;
        this.bodies = new ArrayList<>(requests);
        long ts = System.currentTimeMillis();
        long n = 0;
        ByteArrayOutputStream body = new ByteArrayOutputStream(recordsPerBody * 300);
        for (int r = 0; r < requests; r++) {
            body.reset();
            body.write('[');
            for (int i = 0; i < recordsPerBody; i++, n++) {
                String mid = "bench_" + (n % 1000);
                ObjectNode record = LogJson.MAPPER.valueToTree(StartupLog.of(UUID.randomUUID().toString(), mid, Long.toString(n % 500),
                        "android", "gmall", "guangdong", "huawei", "1.2.0", ts));
                record.put("bench_run", runId);
                byte[] json = LogJson.MAPPER.writeValueAsBytes(record);
                if (i > 0) {
                    body.write(',');
                }
                body.write(json);
                if (records.size() < RAW_RECORDS) {
                    records.add(json);
                    keys.add(mid);
                }
            }
            body.write(']');
            byte[] plain = body.toByteArray();
            if (plainBodies.size() < PLAIN_BODIES) {
                plainBodies.add(plain);
            }
            bodies.add(LogJson.gzip(plain));
        }
    }

    long records() {
        return (long) bodies.size() * recordsPerBody;
    }

    long gzipBytes() {
        return bodies.stream().mapToLong(b -> b.length).sum();
    }
}
