package io.gmall.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local stack's settings, read from {@code infra/local/gmall-local.properties} and overridden by
 * {@code GMALL_LOCAL_*} environment variables. Every key must be documented by the comment above it,
 * and every value is checked when the config is built: all problems are reported together.
 */
public final class LocalConfig {

    public static final String PREFIX = "gmall.local.";

    private static final Pattern HEAP = Pattern.compile("\\d+[mMgG]");
    private static final Pattern MEMORY = Pattern.compile("\\d+([kKmMgG][bB]?)?");

    private final Map<String, String> values;
    private final Map<String, String> docs;

    private LocalConfig(Map<String, String> values, Map<String, String> docs) {
        this.values = values;
        this.docs = docs;
    }

    /** Reads the file and applies overrides from {@code env}; throws listing every problem found. */
    public static LocalConfig load(Path file, Map<String, String> env) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read " + file + ": " + e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> docs = new HashMap<>();
        List<String> problems = new ArrayList<>();
        StringBuilder comment = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                comment.setLength(0);
            } else if (line.startsWith("#")) {
                comment.append(line.substring(1).strip()).append(' ');
            } else {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    problems.add(file.getFileName() + ": not a key=value line: " + line);
                    continue;
                }
                String key = line.substring(0, eq).strip();
                if (!key.startsWith(PREFIX)) {
                    problems.add(key + ": keys of the local stack start with " + PREFIX);
                }
                if (values.put(key, line.substring(eq + 1).strip()) != null) {
                    problems.add(key + ": defined twice");
                }
                docs.put(key, comment.toString().strip());
                comment.setLength(0);
            }
        }
        Map<String, String> variables = new HashMap<>();
        for (String key : values.keySet()) {
            String other = variables.put(envName(key), key);
            if (other != null) {
                problems.add(key + " and " + other + " would both be set by " + envName(key) + ": rename one");
            }
        }
        for (String key : values.keySet()) {
            String override = env.get(envName(key));
            if (override != null) {
                values.put(key, override.strip());
            }
        }
        LocalConfig config = new LocalConfig(values, docs);
        problems.addAll(config.problems());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /**
     * The environment variable that overrides {@code key}, a name every shell can export:
     * gmall.local.kafka.port -> GMALL_LOCAL_KAFKA_PORT, gmall.local.logger-1.port -> GMALL_LOCAL_LOGGER_1_PORT.
     */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        Map<Integer, String> portOwners = new HashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (docs.getOrDefault(key, "").isEmpty()) {
                problems.add(key + ": undocumented; put a comment line above it");
            }
            if (key.endsWith(".port")) {
                Integer port = parseInt(value);
                if (port == null || port < 1024 || port > 65535) {
                    problems.add(key + "=" + value + ": a port must be a number in 1024-65535");
                } else {
                    String other = portOwners.put(port, key);
                    if (other != null) {
                        problems.add(key + "=" + value + ": port already used by " + other);
                    }
                }
            } else if (key.endsWith(".heap") && !HEAP.matcher(value).matches()) {
                problems.add(key + "=" + value + ": a heap is a size like 512m or 1g");
            } else if (key.endsWith(".timeout")) {
                Integer seconds = parseInt(value);
                if (seconds == null || seconds < 1 || seconds > 3600) {
                    problems.add(key + "=" + value + ": a time-out is a number of seconds in 1-3600");
                }
            } else if (key.endsWith(".java.options") && !splitOptions(value).stream().allMatch(o -> o.startsWith("-"))) {
                problems.add(key + "=" + value + ": JVM options, each starting with '-', separated by spaces");
            } else if ((key.endsWith(".maxmemory") || key.endsWith(".buffer.pool")) && !MEMORY.matcher(value).matches()) {
                problems.add(key + "=" + value + ": a memory size is like 256mb or 128M");
            }
        }
        String bind = values.get(PREFIX + "bind");
        if (bind == null) {
            problems.add(PREFIX + "bind: missing");
        } else if (!bind.startsWith("127.")) {
            problems.add(PREFIX + "bind=" + bind + ": the local stack binds to loopback only");
        }
        return problems;
    }

    private static Integer parseInt(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The raw value of {@code gmall.local.<name>}. */
    public String get(String name) {
        String value = values.get(PREFIX + name);
        if (value == null) {
            throw new ConfigException(List.of(PREFIX + name + ": missing from the config file"));
        }
        return value;
    }

    /** The JVM options of {@code gmall.local.<name>}, split at spaces; none when it is empty. */
    public List<String> javaOptions(String name) {
        return splitOptions(get(name));
    }

    private static List<String> splitOptions(String value) {
        return value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    public int port(String component) {
        return Integer.parseInt(get(component + ".port"));
    }

    /** {@code http://<bind>:<port of component><path>}: a component's HTTP endpoint on this stack. */
    public String url(String component, String path) {
        return "http://" + bind() + ":" + port(component) + path;
    }

    public int intValue(String name) {
        return Integer.parseInt(get(name));
    }

    public String bind() {
        return get("bind");
    }

    public Duration startTimeout() {
        return Duration.ofSeconds(intValue("start.timeout"));
    }

    public Duration stopTimeout() {
        return Duration.ofSeconds(intValue("stop.timeout"));
    }

    public Duration healthTimeout() {
        return Duration.ofSeconds(intValue("health.timeout"));
    }

    /** Every key with its value, for templates: dots kept, prefix dropped (kafka.port -> 19092). */
    public Map<String, String> asTemplateValues() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k.substring(PREFIX.length()), v));
        return out;
    }

    public Map<String, String> documentation() {
        return Map.copyOf(docs);
    }

    /** All configuration problems at once, one per line. */
    public static final class ConfigException extends RuntimeException {
        private final List<String> problems;

        public ConfigException(List<String> problems) {
            super("invalid local stack configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
