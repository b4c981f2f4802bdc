package dev.spindle.hal;

/**
 * Hears about level changes of a {@link DigitalInput}. Called on the input's Spindle listener
 * thread, one edge at a time, in the order the edges happened; a listener that throws is reported
 * on {@code System.err} and the others still run. A slow listener delays later edges of the same
 * input (they queue), not those of other inputs.
 */
public interface EdgeListener {
    /**
     * @param input the input whose level changed
     * @param edge  {@link Edge#RISING} or {@link Edge#FALLING}
     */
    void onEdge(DigitalInput input, Edge edge);
}
