package io.gmall.ingestion.logger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** Which Kafka failures a client may retry and which it may not. */
class KafkaEventSinkTest {

    @Test
    void kafkaAwayOrSlowIsRetriable() {
        assertThatThrownBy(() -> KafkaEventSink.throwClassified(new TimeoutException("Topic gmall.log.event not present in metadata after 10000 ms")))
                .isInstanceOf(EventSink.SinkUnavailableException.class);
    }

    @Test
    void aRecordTooLargeIsRefusedForGoodAsTheClientsFault() {
        assertThatThrownBy(() -> KafkaEventSink.throwClassified(new RecordTooLargeException("1048700 bytes")))
                .isInstanceOfSatisfying(EventSink.SinkRefusedException.class, e -> org.assertj.core.api.Assertions.assertThat(e.recordTooLarge()).isTrue());
    }

    @Test
    void aMissingGrantIsRefusedForGoodAsTheServersSetUp() {
        assertThatThrownBy(() -> KafkaEventSink.throwClassified(new TopicAuthorizationException(Set.of("gmall.log.event"))))
                .isInstanceOfSatisfying(EventSink.SinkRefusedException.class, e -> org.assertj.core.api.Assertions.assertThat(e.recordTooLarge()).isFalse());
    }
}
