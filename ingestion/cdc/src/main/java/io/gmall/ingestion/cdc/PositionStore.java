package io.gmall.ingestion.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import io.gmall.ingestion.contract.LogJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The binlog position the relay has delivered up to: the end of the last transaction of which Kafka
 * acknowledged every change. Written atomically after each acknowledged batch; read at start, so a
 * restart resumes there (Canal's own memory meta forgets it).
 */
final class PositionStore {

    record Position(String file, long offset) {
    }

    private final Path path;

    PositionStore(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    Optional<Position> load() throws IOException {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        JsonNode node = LogJson.MAPPER.readTree(path.toFile());
        return Optional.of(new Position(node.get("file").asText(), node.get("offset").asLong()));
    }

    void save(Position position) throws IOException {
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        LogJson.MAPPER.writeValue(tmp.toFile(), LogJson.MAPPER.createObjectNode()
                .put("file", position.file()).put("offset", position.offset()).put("saved_at", System.currentTimeMillis()));
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
