/// A failure found while a command runs (as opposed to a malformed command line): printed as
/// `Error: <message>` with exit status 1, without the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong, naming the file or option involved.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
