package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks as committed: outputs stripped (no outputs, no execution counts), each opening with its explanation,
 * each drawing at least one chart and reading the lake through gmall_lake, never a path of its own.
 */
class NotebooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Path> notebooks() throws Exception {
        Path dir = Path.of(System.getProperty("gmall.root", "../..")).resolve("notebooks");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    @Test
    void fiveNotebooksAreCommittedWithTheirOutputsStripped() throws Exception {
        List<Path> notebooks = notebooks();
        assertThat(notebooks).hasSize(5);
        for (Path notebook : notebooks) {
            JsonNode cells = JSON.readTree(notebook.toFile()).path("cells");
            assertThat(cells.get(0).path("cell_type").asText()).as(notebook + " opens with its explanation").isEqualTo("markdown");
            StringBuilder code = new StringBuilder();
            for (JsonNode cell : cells) {
                assertThat(cell.path("metadata").size()).as(notebook + ": cell metadata (collapsed, scrolled, tags) stripped").isZero();
                if (cell.path("cell_type").asText().equals("code")) {
                    assertThat(cell.path("outputs").size()).as(notebook + ": outputs stripped").isZero();
                    assertThat(cell.path("execution_count").isNull()).as(notebook + ": execution counts stripped").isTrue();
                    cell.path("source").forEach(line -> code.append(line.asText()));
                }
            }
            assertThat(code).as(notebook + " reads the lake through gmall_lake").contains("import gmall_lake as lake")
                    .doesNotContain("var/lake", "/work/", "/tmp/");
            assertThat(code.toString()).as(notebook + " draws a chart").containsAnyOf("plt.show()", ".plot");
        }
    }
}
