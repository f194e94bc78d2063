package io.gmall.reconcile;

import java.util.Locale;

/** The run's outcome for a terminal: per table and metric the day's totals, then every hour that differs. */
final class Report {

    private Report() {
    }

    static String of(Reconcile.Outcome outcome) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "reconcile %s, run %s%s%n", outcome.dt(), outcome.runId(), outcome.dryRun() ? " (dry run: nothing written)" : ""));
        out.append(String.format(Locale.ROOT, "%-20s %-14s %-4s %14s %14s %12s  %s%n", "table", "metric", "hour", "realtime", "recomputed", "difference", "outcome"));
        for (Reconcile.TableOutcome t : outcome.tables()) {
            for (HourlyComparison.Line l : t.lines()) {
                if (l.differs()) {
                    out.append(String.format(Locale.ROOT, "%-20s %-14s %-4s %14s %14s %12s  %s%n", t.table(), l.metric(), l.hour(),
                            l.realtime() == null ? "unreadable" : l.realtime().toPlainString(), l.recomputed().toPlainString(),
                            l.difference().toPlainString(), t.corrected() ? "corrected" : "reported"));
                }
            }
            out.append(String.format(Locale.ROOT, "%-20s %d of %d metric-hours differ%s%n", t.table(), t.differing(), t.lines().size(),
                    t.corrected() ? ": corrected" : ""));
        }
        return out.toString();
    }
}
