import ArgumentParser
import Foundation
import LLMBenchCore

/// `llmbench init [DIR]`: a commented starter suite that runs offline at once (the Mock provider)
/// and on every API whose key is already in the environment.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a commented starter suite (llmbench.yaml) and print the command that runs it.")

    @Argument(help: "The folder to write llmbench.yaml into (created if missing; default: the current folder).")
    var directory: String = "."

    static let fileName = "llmbench.yaml"

    /// One real API the starter suite can use; on when its key variable is set.
    struct API {
        var plugin: String, id: String, model: String, keyVariable: String, options: String, note: String
    }

    static let apis = [
        API(plugin: "openai", id: "gpt-4o-mini", model: "gpt-4o-mini", keyVariable: "OPENAI_API_KEY",
            options: "{temperature: 0, max_tokens: 256}",
            note: "Any OpenAI-compatible server (vLLM, Ollama, llama.cpp, OpenRouter) is `plugin: openai` with a base_url."),
        API(plugin: "anthropic", id: "claude-haiku-4-5", model: "claude-haiku-4-5", keyVariable: "ANTHROPIC_API_KEY",
            options: "{temperature: 0, max_tokens: 256}", note: "Anthropic's Messages API."),
        API(plugin: "gemini", id: "gemini-2.5-flash", model: "gemini-2.5-flash", keyVariable: "GEMINI_API_KEY",
            options: "{temperature: 0, max_tokens: 256, thinking_budget: 0}", note: "Google's Gemini API (generateContent)."),
    ]

    func run() throws {
        let fm = FileManager.default
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        if fm.fileExists(atPath: path) {
            printError("error: \(path) already exists; llmbench init never overwrites a file (remove it, or pick another folder)")
            throw Exit.badInput
        }
        let environment = ProcessInfo.processInfo.environment
        let enabled = Self.apis.filter { !(environment[$0.keyVariable] ?? "").isEmpty }
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // .withoutOverwriting: a file that appears between the check and the write is not replaced.
            try Data(Self.suite(enabled: Set(enabled.map(\.plugin))).utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            printError("error: cannot write \(path): \(error.localizedDescription)")
            throw Exit.badInput
        }
        let providers = ["mock (offline, simulated)"] + enabled.map { "\($0.id) (\($0.keyVariable))" }
        print("wrote \(path) with \(providers.count) provider\(providers.count == 1 ? "" : "s"): \(providers.joined(separator: ", "))")
        let missing = Self.apis.filter { !enabled.map(\.plugin).contains($0.plugin) }.map(\.keyVariable)
        if !missing.isEmpty {
            print("not set: \(missing.joined(separator: ", ")); their providers are in the file, commented out")
        }
        print("run it:\n  \(Self.shellQuoted(Self.invokedName)) run \(Self.shellQuoted(path))")
    }

    /// How the user called llmbench, so the printed command works as typed (.build/release/llmbench, say).
    static var invokedName: String {
        let typed = CommandLine.arguments.first ?? "llmbench"
        return typed.contains("/") ? typed : "llmbench"
    }

    static func shellQuoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+:,@".unicodeScalars.contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The starter suite. APIs whose key is not set are present but commented out.
    static func suite(enabled: Set<String>) -> String {
        var providers = """
              # Offline and free: answers, timings and prices are simulated, and reports mark them so.
              # It shows the whole path (plan, scoring, cost, storage, the comparison); drop it once
              # a real provider is in.
              - id: mock
                plugin: mock
                model: mock-large
                options: {mode: expected, ttft_ms: 40, tokens_per_second: 200, seed: 1}

            """
        for api in apis {
            let on = enabled.contains(api.plugin)
            let state = on ? "\(api.keyVariable) was set when this file was written." : "\(api.keyVariable) was not set; set it and remove the '#' signs."
            let entry = """
                - id: \(api.id)
                  plugin: \(api.plugin)
                  model: \(api.model)
                  api_key_env: \(api.keyVariable)   # the variable's name; the key itself never goes in a file
                  options: \(api.options)
                """
            providers += "  # \(api.note)\n  # \(state)\n"
            for line in entry.split(separator: "\n") { providers += on ? "  \(line)\n" : "  # \(line)\n" }
            providers += "\n"
        }
        return """
            # An LLMBench suite, written by `llmbench init`. Run it with `llmbench run llmbench.yaml`.
            # The format: Docs/suite-format.md (JSON Schema for editors: Docs/suite.schema.json).
            # Costs come from the price tables: see `llmbench pricing list`.
            version: 1
            name: starter
            description: A few tests per category to start from; replace them with your own requests.

            # Each provider is one model behind one plugin (see `llmbench plugins`). A provider whose
            # key variable is unset when you run is skipped with a notice.
            providers:
            \(providers.split(separator: "\n", omittingEmptySubsequences: false).dropLast().joined(separator: "\n"))
            # Applied to every test unless the test says otherwise. exact_match passes (1.0) when the
            # normalised answer (case, punctuation, articles and spacing ignored) equals an expected one.
            defaults:
              scorers:
                - {scorer: exact_match, threshold: 1.0, options: {mode: normalized}}

            # Reports group figures by category: pass rate, latency, cost and cost per pass for each.
            tests:
              - name: capital-of-australia
                category: factual
                prompt: "What is the capital of Australia? Answer with one word."
                expected: "Canberra"
              - name: author-of-hamlet
                category: factual
                prompt: "Who wrote Hamlet? Answer with the surname only."
                expected: ["Shakespeare", "William Shakespeare"]   # any of these passes

              - name: percentage
                category: reasoning
                prompt: "What is 15% of 240? Reply with the number only."
                expected: "36"
              - name: days-in-weeks
                category: reasoning
                prompt: "How many days are there in 3 weeks and 4 days? Reply with the number only."
                expected: "25"

              - name: extract-email
                category: extraction
                prompt: |
                  Return only the email address in this text:
                  "Write to Dana at dana.reyes@example.org before Friday."
                expected: "dana.reyes@example.org"
                scorers:
                  - {scorer: exact_match, options: {mode: exact, ignore_case: true}}
              - name: extract-year
                category: extraction
                prompt: "In which year did the event happen? 'The bridge opened in May 1937.' Reply with the year only."
                expected: "1937"

              - name: sentiment
                category: classification
                prompt: "Is this review positive or negative? 'The battery died after a day.' Answer with one word."
                expected: "negative"
              - name: language
                category: classification
                prompt: "Which language is this sentence in: 'Où est la gare ?' Answer with one word, in English."
                expected: "French"

            """
    }
}
