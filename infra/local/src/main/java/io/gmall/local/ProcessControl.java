package io.gmall.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts servers detached from the launcher, records their pids and stops them by pid:
 * SIGTERM, a bounded wait, a thread dump for JVMs, then SIGKILL. Never looks processes up by name.
 */
public final class ProcessControl {

    static final int KEPT_LOGS = 3;
    private static final Duration EXIT_POLL = Duration.ofMillis(50);

    private ProcessControl() {
    }

    /** Starts {@code spec} in its own session with output appended to {@code log}; returns the started process. */
    public static Process spawn(ProcessSpec spec, Path log, Path pidFile) throws IOException {
        rotate(log);
        List<String> command = new ArrayList<>();
        // Own session: the server survives the launcher and the terminal it was started from.
        command.add("setsid");
        command.addAll(spec.command());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(spec.env());
        Process process = builder.start();
        if (!spec.daemonizes()) {
            writePid(pidFile, process.pid());
        }
        return process;
    }

    /** Runs a one-off command to completion with output appended to {@code log}; throws if it fails. */
    public static void run(List<String> command, Path workDir, Path log, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    /** The live process recorded in {@code pidFile}, if its command line still carries {@code marker}. */
    public static Optional<ProcessHandle> running(Path pidFile, String marker) {
        return readPid(pidFile)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains(marker));
    }

    /**
     * The processes still in the session that {@code leader} led, once it is gone: every server is started in a
     * session of its own (setsid), so what outlived it there is its own, such as nginx's workers after their master
     * was SIGKILLed, still holding its port. None while the leader (or a process that took its pid) is alive.
     */
    public static List<ProcessHandle> orphans(long leader) {
        if (ProcessHandle.of(leader).filter(ProcessHandle::isAlive).isPresent()) {
            return List.of();
        }
        return ProcessHandle.allProcesses().filter(p -> session(p.pid()) == leader).toList();
    }

    /** The session id of a process (field 6 of /proc/pid/stat), -1 if it is gone or unreadable. */
    static long session(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // After the command's name, which may hold spaces and parentheses: state, ppid, pgrp, session.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public static Optional<Long> readPid(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void writePid(Path pidFile, long pid) throws IOException {
        Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII);
    }

    /**
     * The full command line from /proc, which (unlike ProcessHandle.Info) is not cut short. It reads
     * empty while a process is in the middle of exec, so an empty answer is asked again briefly.
     */
    static String commandLine(ProcessHandle process) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        for (int attempt = 0; attempt < 20 && process.isAlive(); attempt++) {
            try {
                String text = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ').strip();
                if (!text.isEmpty()) {
                    return text;
                }
                Thread.sleep(25);
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }

    /**
     * Stops {@code process}: SIGTERM, wait up to {@code grace}; if still alive, a thread dump for a JVM
     * (SIGQUIT, written to its log), then SIGKILL. Returns true if it had to be killed.
     */
    public static boolean stop(ProcessHandle process, Duration grace) {
        process.destroy();
        if (awaitExit(process, grace)) {
            return false;
        }
        if (commandLine(process).contains("java")) {
            signal(process.pid(), "QUIT");
        }
        process.destroyForcibly();
        if (!awaitExit(process, Duration.ofSeconds(10))) {
            throw new IllegalStateException("pid " + process.pid() + " survived SIGKILL");
        }
        return true;
    }

    /**
     * Whether {@code process} ended within {@code timeout}. Polled every 50 ms: for a process that is not this JVM's
     * child, {@code onExit()} looks only after 300 ms, then every 330, 360… ms, which added about half a second to
     * each stop of a server that exits in 1.5 s.
     */
    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(EXIT_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !process.isAlive();
            }
        }
        return true;
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps the last {@link #KEPT_LOGS} logs of a server: name.log.1 is the previous run. */
    static void rotate(Path log) throws IOException {
        if (!Files.exists(log) || Files.size(log) == 0) {
            return;
        }
        for (int i = KEPT_LOGS - 1; i >= 1; i--) {
            Path older = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(older)) {
                Files.move(older, log.resolveSibling(log.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
}
