package dev.spindle.bench.threading;

import org.openjdk.jmh.annotations.Threads;

/** {@link ContendedBench} with four threads on a two-core machine: a real queue forms. */
@Threads(4)
public class Contended4 extends ContendedBench {
}
