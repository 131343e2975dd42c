import ArgumentParser
import LLMBenchCore
import LLMBenchEngine

/// `llmbench tag RUN TAG…`: names a stored run, so that `runs --tag` finds it and
/// `report --baseline TAG` compares with it.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Name a stored run (or take names away): for `runs --tag` and `report --baseline TAG`.")

    @Argument(help: "The run id, or 'last'.") var runID: String
    @Argument(help: "The tags: 1 to 100 letters, digits or ._-/:+@ each.") var tags: [String]
    @Flag(help: "Take these tags away instead.") var remove = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard !tags.isEmpty else { throw ValidationError("give at least one tag") }
        if let bad = tags.first(where: { !RunInfo.isValidTag($0) }) {
            throw ValidationError("'\(bad)' is not a tag: 1 to 100 letters, digits or ._-/:+@")
        }
    }

    func run() throws {
        do throws(LLMBenchError) {
            let store = try store.openExisting()
            let id = runID == "last" ? try store.lastRunID() : runID
            guard let id, try store.run(id: id) != nil else { throw LLMBenchError(.usage, "no run '\(runID)' in the store") }
            if remove { try store.removeTags(runID: id, tags) } else { try store.addTags(runID: id, tags) }
            let now = try store.run(id: id)?.tags ?? []
            print("\(id): \(now.isEmpty ? "no tags" : now.joined(separator: ", "))")
        } catch {
            throw failInput([error])
        }
    }
}
