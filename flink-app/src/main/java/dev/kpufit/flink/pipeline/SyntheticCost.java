package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.config.CostSettings;
import dev.kpufit.flink.config.IoMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.util.Collections;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Optional per-record cost, for load tests and for checking the digital twin against real Flink: CPU work (a fixed
 * amount of computation, {@link CpuWork}), a blocking "enrichment" call, or the same call through Async I/O with bounded capacity and a timeout.
 * With the defaults (0 micros, mode none) the stream passes through untouched and no operator is added.
 */
public final class SyntheticCost {
    private SyntheticCost() {
    }

    public static <T> DataStream<T> apply(DataStream<T> events, CostSettings cost, String uidPrefix, TypeInformation<T> type) {
        DataStream<T> out = events;
        if (cost.cpuSpinMicros > 0) {
            out = out.map(new CpuSpin<T>(cost.cpuSpinMicros)).returns(type)
                    .uid(uidPrefix + "-cost-cpu").name("synthetic CPU cost");
        }
        if (cost.ioMode == IoMode.BLOCKING) {
            out = out.map(new BlockingCall<T>(cost.ioWaitMillis)).returns(type)
                    .uid(uidPrefix + "-cost-io-blocking").name("synthetic blocking I/O");
        } else if (cost.ioMode == IoMode.ASYNC) {
            out = AsyncDataStream.orderedWait(out, new AsyncCall<T>(cost.ioWaitMillis),
                            cost.asyncTimeoutMillis, TimeUnit.MILLISECONDS, cost.asyncCapacity)
                    .returns(type).uid(uidPrefix + "-cost-io-async").name("synthetic async I/O");
        }
        return out;
    }

    /**
     * {@code cost.cpu.spin.micros} microseconds of CPU work per record, as measured on an uncontended core: a fixed
     * number of steps (calibrated once per JVM, see {@link CpuWork}), so a record descheduled mid-way still spends
     * all of it. Shows up as CPU and busyTimeMsPerSecond, not as idle time.
     */
    static final class CpuSpin<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final int micros;
        private transient long steps;

        CpuSpin(int micros) {
            this.micros = micros;
        }

        @Override
        public void open(OpenContext openContext) {
            steps = CpuWork.stepsFor(micros);
        }

        @Override
        public T map(T value) {
            CpuWork.run(steps);
            return value;
        }
    }

    /** Blocks the task thread, as a synchronous lookup against a remote service would. */
    static final class BlockingCall<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final int waitMillis;

        BlockingCall(int waitMillis) {
            this.waitMillis = waitMillis;
        }

        @Override
        public T map(T value) throws InterruptedException {
            Thread.sleep(waitMillis);
            return value;
        }
    }

    /** Completes each record after the wait on a timer thread; a timed-out call passes the record on, counted. */
    static final class AsyncCall<T> extends RichAsyncFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final int waitMillis;
        private transient ScheduledExecutorService timer;
        private transient Counter timeouts;

        AsyncCall(int waitMillis) {
            this.waitMillis = waitMillis;
        }

        @Override
        public void open(OpenContext openContext) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "synthetic-async-io");
                t.setDaemon(true);
                return t;
            });
            timeouts = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "enrichmentTimeouts");
        }

        @Override
        public void asyncInvoke(T input, ResultFuture<T> resultFuture) {
            timer.schedule(() -> resultFuture.complete(Collections.singleton(input)), waitMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void timeout(T input, ResultFuture<T> resultFuture) {
            timeouts.inc();
            resultFuture.complete(Collections.singleton(input));
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }
}
