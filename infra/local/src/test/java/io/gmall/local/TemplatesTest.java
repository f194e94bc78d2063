package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {

    @Test
    void replacesEveryPlaceholder() {
        assertThat(Templates.render("listeners=PLAINTEXT://${bind}:${kafka.port} ${bind}", Map.of("bind", "127.0.0.1", "kafka.port", "19092")))
                .isEqualTo("listeners=PLAINTEXT://127.0.0.1:19092 127.0.0.1");
    }

    @Test
    void valuesAreInsertedLiterally() {
        assertThat(Templates.render("dir ${d}", Map.of("d", "/tmp/$1\\x"))).isEqualTo("dir /tmp/$1\\x");
    }

    @Test
    void anUnknownPlaceholderIsAnError() {
        assertThatThrownBy(() -> Templates.render("port=${missing.port}", Map.of()))
                .hasMessageContaining("${missing.port}");
    }
}
