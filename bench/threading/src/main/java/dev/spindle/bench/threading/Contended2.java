package dev.spindle.bench.threading;

import org.openjdk.jmh.annotations.Threads;

/** {@link ContendedBench} with two threads: one holds, one waits. */
@Threads(2)
public class Contended2 extends ContendedBench {
}
