import Foundation
import Synchronization

/// The demo's terminal output: on a terminal one progress line rewritten in place; into a pipe or file a line
/// every few seconds, so a log stays readable.
final class DemoDisplay: Sendable {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private let state = Mutex<(open: Bool, lastPrinted: ContinuousClock.Instant?)>((false, nil))

    /// Prints a line that stays.
    func line(_ text: String) {
        state.withLock { state in
            write((state.open ? "\r\u{1B}[K" : "") + text + "\n")
            state.open = false
        }
    }

    /// Shows the progress line (replacing the previous one on a terminal).
    func progress(_ text: String) {
        state.withLock { state in
            if isTerminal {
                write("\r\u{1B}[K" + text)
                state.open = true
            } else if state.lastPrinted.map({ ContinuousClock.now - $0 >= .seconds(5) }) ?? true {
                write(text + "\n")
                state.lastPrinted = .now
            }
        }
    }

    /// Ends the progress line.
    func finish() {
        state.withLock { state in
            if state.open { write("\n") }
            state.open = false
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
