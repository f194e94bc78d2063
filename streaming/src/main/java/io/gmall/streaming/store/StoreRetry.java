package io.gmall.streaming.store;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a micro-batch's writes to one store with bounded, doubling backoff. Every write of gmall's sinks is
 * idempotent (absolute values, deterministic ids), so repeating a half-done write is safe. When the attempts
 * run out the exception propagates and fails the batch: Spark stops the query and the checkpoint makes the
 * next start replay it, so a batch is never skipped.
 */
public final class StoreRetry {

    private static final Logger LOG = LoggerFactory.getLogger(StoreRetry.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final int attempts;
    private final Duration backoff;

    public StoreRetry(int attempts, Duration backoff) {
        this.attempts = attempts;
        this.backoff = backoff;
    }

    public <T> T call(String store, String what, Callable<T> action) {
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(backoff, 2.0, MAX_BACKOFF))
                .retryOnException(e -> true)
                .build();
        Retry retry = Retry.of(store, config);
        retry.getEventPublisher().onRetry(e -> LOG.warn("{} unavailable while {} (attempt {} of {}), retrying in {} ms: {}",
                store, what, e.getNumberOfRetryAttempts(), attempts, e.getWaitInterval().toMillis(), rootMessage(e.getLastThrowable())));
        try {
            return Retry.decorateCallable(retry, action).call();
        } catch (Exception e) {
            throw new IllegalStateException(store + " failed while " + what + " after " + attempts + " attempts: " + rootMessage(e), e);
        }
    }

    public void run(String store, String what, ThrowingRunnable action) {
        call(store, what, () -> {
            action.run();
            return null;
        });
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
