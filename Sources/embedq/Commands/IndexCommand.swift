import ArgumentParser

/// `embedq index`: build and maintain index files (`docs/INDEX_FORMAT.md`); search them with
/// `embedq search INDEX`.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build, change and check index files (search them with `embedq search INDEX`).",
        subcommands: [
            IndexBuildCommand.self,
            IndexAddCommand.self,
            IndexDeleteCommand.self,
            IndexCompactCommand.self,
            IndexGraphCommand.self,
            IndexInfoCommand.self,
            IndexVerifyCommand.self,
        ]
    )
}
