import EmbeddingStore

extension VectorCollection {
    /// Writes a consistent copy of the collection to the new directory `destination` while
    /// holding the writer lock for as long as the copy of the manifest and the log takes
    /// (segments and deletion files are immutable: they are hard-linked, or copied across file
    /// systems). The copy opens as the collection did at that moment.
    ///
    /// - Throws: ``CollectionError/alreadyExists(path:)``; a failed system call.
    public func copySnapshot(to destination: String) throws(CollectionError) {
        try asWriter { (log) throws(CollectionError) in
            try CollectionFiles.createDirectory(destination)
            let state = snapshot().state
            for record in state.manifest.segments {
                for name in [record.file] + (record.deletions.map { [$0] } ?? []) {
                    try CollectionFiles.linkOrCopy(CollectionFiles.path(directory, name), to: CollectionFiles.path(destination, name))
                }
            }
            let logName = CollectionFiles.logName(firstSequence: log.firstSequence)
            guard let bytes = try CollectionFiles.contents(of: log.path) else {
                throw .corruptFile(path: log.path, reason: "the log is missing")
            }
            try CollectionFiles.writeAtomically(Array(bytes.prefix(log.size)), to: CollectionFiles.path(destination, logName))
            try ManifestFile.write(state.manifest, directory: destination)
            CollectionFiles.synchronizeDirectory(destination)
        }
    }

    /// Checks every file of the collection: the segments' section checksums (rescoring codes and
    /// payloads streamed without keeping them resident) and that no id is live twice.
    ///
    /// - Throws: ``CollectionError/segment(_:)`` naming a damaged segment;
    ///   ``CollectionError/corruptFile(path:reason:)`` for an id live twice.
    public func verify() throws(CollectionError) {
        let snapshot = snapshot()
        for record in snapshot.state.manifest.segments {
            do {
                _ = try IndexFile.open(at: CollectionFiles.path(directory, record.file), verify: true)
            } catch {
                throw .segment(error)
            }
        }
        var seen = Set<String>()
        for id in snapshot.ids where !seen.insert(id).inserted {
            throw .corruptFile(path: directory, reason: "the id '\(id)' is live twice")
        }
    }
}
