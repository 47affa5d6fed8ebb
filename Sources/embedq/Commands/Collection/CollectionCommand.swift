import ArgumentParser

/// `embedq collection`: collections that change (a directory of segments, a write-ahead log and
/// a manifest; `docs/COLLECTIONS.md`).
struct CollectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection",
        abstract: "Create, change, search and maintain collections (durable writes, payloads, filters).",
        subcommands: [
            CollectionCreateCommand.self,
            CollectionAddCommand.self,
            CollectionDeleteCommand.self,
            CollectionGetCommand.self,
            CollectionSearchCommand.self,
            CollectionFlushCommand.self,
            CollectionMergeCommand.self,
            CollectionInfoCommand.self,
            CollectionVerifyCommand.self,
            CollectionSnapshotCommand.self,
            CollectionBuildSegmentCommand.self,
            CollectionAttachCommand.self,
            CollectionConvertCommand.self,
        ]
    )
}
