package io.gmall.ingestion.cdc;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The gmall.cdc.&lt;table&gt; topics. The brokers do not create topics on first use (a typo must not
 * invent one), so a table that appears in the binlog gets its topic here before its first change is
 * sent; without it the relay would stall on the unknown topic.
 */
final class Topics implements AutoCloseable {

    private final Admin admin;
    private final int partitions;
    private final Set<String> known = new HashSet<>();

    Topics(Admin admin, int partitions) {
        this.admin = admin;
        this.partitions = partitions;
    }

    String ensure(String topic) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        if (known.contains(topic)) {
            return topic;
        }
        if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        known.add(topic);
        return topic;
    }

    @Override
    public void close() {
        admin.close();
    }
}
