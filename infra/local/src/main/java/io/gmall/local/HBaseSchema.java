package io.gmall.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The HBase namespace and tables of {@code infra/hbase/tables.json}. */
public record HBaseSchema(String namespace, List<Table> tables) {

    public record Family(String name, int versions, int ttlSeconds) {
    }

    public record Table(String name, List<Family> families) {
        public String qualifiedName(String namespace) {
            return namespace + ":" + name;
        }
    }

    public static HBaseSchema load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        String namespace = root.path("namespace").asText("");
        if (!namespace.matches("[a-zA-Z_0-9]+")) {
            throw new IOException(file + ": invalid namespace '" + namespace + "'");
        }
        List<Table> tables = new ArrayList<>();
        for (JsonNode t : root.path("tables")) {
            String name = t.path("name").asText("");
            if (!name.matches("[a-zA-Z_0-9][a-zA-Z_0-9.-]*")) {
                throw new IOException(file + ": invalid table name '" + name + "'");
            }
            List<Family> families = new ArrayList<>();
            for (JsonNode f : t.path("families")) {
                families.add(new Family(f.path("name").asText(), f.path("versions").asInt(1), f.path("ttlSeconds").asInt(0)));
            }
            if (families.isEmpty()) {
                throw new IOException(file + ": table " + name + " has no column family");
            }
            tables.add(new Table(name, List.copyOf(families)));
        }
        return new HBaseSchema(namespace, List.copyOf(tables));
    }

    public Table table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + name + " in the HBase schema"));
    }
}
