package io.gmall.ingestion.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time of the stack's processes (from their pid files under var/run; nginx counted with its workers) and of
 * this benchmark, so that each phase can report how many cores each process used while it ran.
 */
final class ProcessCpu {

    private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();

    ProcessCpu(Path runDir, String... pidFiles) {
        processes.put("bench", ProcessHandle.current());
        for (String name : pidFiles) {
            pid(runDir.resolve(name + ".pid")).flatMap(ProcessHandle::of).ifPresent(p -> processes.put(name.replace("-master", ""), p));
        }
    }

    void add(String name, ProcessHandle process) {
        processes.put(name, process);
    }

    private static Optional<Long> pid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** CPU time so far of each process with its descendants, by name. */
    Map<String, Duration> snapshot() {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        processes.forEach((name, p) -> cpu.put(name, p.descendants().map(ProcessCpu::cpu).reduce(cpu(p), Duration::plus)));
        return cpu;
    }

    private static Duration cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The cores each process used between two snapshots {@code elapsed} apart, by name. */
    static Map<String, Double> cores(Map<String, Duration> before, Map<String, Duration> after, Duration elapsed) {
        Map<String, Double> cores = new LinkedHashMap<>();
        after.forEach((name, cpu) -> cores.put(name, (double) cpu.minus(before.getOrDefault(name, Duration.ZERO)).toNanos() / elapsed.toNanos()));
        return cores;
    }

    /** "name 0.42, ..." */
    static String format(Map<String, Double> cores) {
        StringBuilder line = new StringBuilder();
        cores.forEach((name, used) -> line.append(line.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", name, used)));
        return line.toString();
    }
}
