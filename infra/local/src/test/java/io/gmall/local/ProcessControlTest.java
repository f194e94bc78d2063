package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessControlTest {

    @TempDir
    Path dir;

    /** Starts {@code script} and returns once it printed "ready" (its signal handlers are in place by then). */
    private ProcessHandle start(String script, String marker) throws IOException, InterruptedException {
        Path log = dir.resolve("p.log");
        String ready = script.replace("time.sleep(60)", "print('ready', flush=True); time.sleep(60)");
        Process p = ProcessControl.spawn(ProcessSpec.foreground(List.of(FakeComponent.PYTHON, "-c", ready, marker), dir, marker), log, dir.resolve("p.pid"));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!(Files.exists(log) && Files.readString(log).contains("ready")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return p.toHandle();
    }

    @Test
    void findsItsOwnProcessByPidAndMarker() throws Exception {
        String marker = "m-" + UUID.randomUUID();
        ProcessHandle p = start("import time; time.sleep(60)", marker);
        try {
            assertThat(ProcessControl.running(dir.resolve("p.pid"), marker)).map(ProcessHandle::pid).contains(p.pid());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aRecordedPidNowUsedByAnotherProgramIsNotOurs() throws IOException {
        Path pidFile = dir.resolve("other.pid");
        ProcessControl.writePid(pidFile, ProcessHandle.current().pid());
        assertThat(ProcessControl.running(pidFile, "gmall-marker-that-this-jvm-lacks")).isEmpty();
    }

    @Test
    void whatOutlivesASessionLeaderIsFoundByItsSessionAndNothingElse() throws Exception {
        String marker = "m-" + UUID.randomUUID();
        ProcessHandle leader = start("import subprocess, sys, time; subprocess.Popen(['sleep', '120']); time.sleep(60)", marker);
        ProcessHandle child = leader.children().findFirst().orElseThrow();
        try {
            assertThat(ProcessControl.session(child.pid())).isEqualTo(leader.pid());
            assertThat(ProcessControl.orphans(leader.pid())).as("the leader is alive").isEmpty();
            leader.destroyForcibly();
            leader.onExit().get();
            assertThat(ProcessControl.orphans(leader.pid())).containsExactly(child);
            assertThat(ProcessControl.orphans(ProcessHandle.current().pid())).as("a live process's session").isEmpty();
            ProcessControl.stop(child, Duration.ofSeconds(5));
            assertThat(ProcessControl.orphans(leader.pid())).isEmpty();
        } finally {
            leader.destroyForcibly();
            child.destroyForcibly();
        }
    }

    @Test
    void aGarbledPidFileCountsAsNoProcess() throws IOException {
        Path pidFile = dir.resolve("bad.pid");
        Files.writeString(pidFile, "twelve");
        assertThat(ProcessControl.readPid(pidFile)).isEmpty();
    }

    @Test
    void stopIsGracefulWhenTermIsHonoured() throws Exception {
        ProcessHandle p = start("import time; time.sleep(60)", "m-" + UUID.randomUUID());
        assertThat(ProcessControl.stop(p, Duration.ofSeconds(5))).isFalse();
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void stopKillsAProcessThatIgnoresTerm() throws Exception {
        ProcessHandle p = start("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)", "m-" + UUID.randomUUID());
        assertThat(ProcessControl.stop(p, Duration.ofMillis(500))).isTrue();
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void rotationKeepsThreePreviousLogs() throws IOException {
        Path log = dir.resolve("s.log");
        for (int run = 1; run <= 5; run++) {
            ProcessControl.rotate(log);
            Files.writeString(log, "run " + run);
        }
        assertThat(Files.readString(log)).isEqualTo("run 5");
        assertThat(Files.readString(dir.resolve("s.log.1"))).isEqualTo("run 4");
        assertThat(Files.readString(dir.resolve("s.log.3"))).isEqualTo("run 2");
        assertThat(dir.resolve("s.log.4")).doesNotExist();
    }
}
