package dev.spindle.hal;

/**
 * What the board agent hands a firmware {@link App}: the board (pins and serial ports), the
 * board's id and the app's arguments ({@code app.args}). Immutable.
 */
public final class FirmwareContext {
    private final Board board;
    private final String boardId;
    private final String[] args;

    /**
     * @param board   the board, or null when the agent runs without a HAL ({@code board.type} unset)
     * @param boardId the board's id in the fleet ({@code board.id})
     * @param args    the app's arguments
     */
    public FirmwareContext(Board board, String boardId, String[] args) {
        this.board = board;
        this.boardId = boardId;
        this.args = args == null ? new String[0] : copy(args);
    }

    /**
     * @return the board
     * @throws HalException when the agent runs without a board
     */
    public Board board() {
        if (board == null) {
            throw new HalException("board " + boardId + " runs without a HAL, so the app has no pins or serial ports;"
                    + " set board.type in the agent config (sim, rpi4b, ...; docs/agent.md)");
        }
        return board;
    }

    /** @return whether the agent gave the app a board */
    public boolean hasBoard() {
        return board != null;
    }

    /** @return the board's id in the fleet */
    public String boardId() {
        return boardId;
    }

    /** @return a copy of the app's arguments */
    public String[] args() {
        return copy(args);
    }

    private static String[] copy(String[] a) {
        String[] c = new String[a.length];
        System.arraycopy(a, 0, c, 0, a.length);
        return c;
    }
}
