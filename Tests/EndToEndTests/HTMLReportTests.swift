import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// The HTML report opened in a real headless browser (Debian's Chromium, which scripts/setup.sh
/// --tests installs): it renders, its charts are there, it fetches nothing, and a model answer
/// made of markup shows as text.
struct HTMLReportTests {
    static let hostile = "<script>document.title='pwned'</script></textarea><b id=\"injected\">bold</b>"

    /// Chromium's DOM after loading `file`, and what it logged (console messages, CSP refusals).
    static func open(_ file: String) throws -> (dom: String, log: String) { try open(url: "file://\(file)") }

    /// The same for any address; with `screenshot`, a second load saves the page as a PNG there.
    static func open(url: String, screenshot: String? = nil) throws -> (dom: String, log: String) {
        guard let chromium = Shell.which("chromium") ?? Shell.which("chromium-browser") else {
            Issue.record("Chromium is not installed: scripts/setup.sh --tests installs it (Debian's chromium)")
            return ("", "")
        }
        let home = TemporaryDirectory("chromium-home")
        let options = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(home.path)"]
        let result = try Shell.run(chromium, options + ["--enable-logging=stderr", "--v=0", "--dump-dom", url])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        if let screenshot {
            let shot = try Shell.run(chromium, options + ["--hide-scrollbars", "--window-size=1280,1000", "--screenshot=\(screenshot)", url])
            #expect(shot.status == 0 && FileManager.default.fileExists(atPath: screenshot), "\(shot.stderr.suffix(2000))")
        }
        return (result.stdout, result.stderr)
    }

    /// Runs a suite named `name` into `dir`/s.sqlite: two priced Mock providers, and test "markup"
    /// answered by "cheap" with `hostile` (the run's first result); `extra` goes to `llmbench run`.
    static func runWithMarkup(_ cli: CLI, _ dir: TemporaryDirectory, name: String, extra: [String] = []) throws -> String {
        let prices = dir.write("prices.yaml", """
            version: 1
            prices:
              - {plugin: mock, model: cheap, effective: 2024-01-01, input: 1, output: 1, source: test}
              - {plugin: mock, model: dear, effective: 2024-01-01, input: 10, output: 10, source: test}
            """)
        let suite = dir.write("s.yaml", """
            version: 1
            name: \(name)
            providers:
              - {id: cheap, plugin: mock, model: cheap, options: {mode: scripted, answers: {markup: \(YAMLQuoting.quoted(Self.hostile)), plain: "4"}}}
              - {id: dear, plugin: mock, model: dear, options: {mode: expected}}
            defaults:
              scorers: [exact_match]
            tests:
              - {name: markup, category: html, prompt: "say it", expected: "x"}
              - {name: plain, category: math, prompt: "2+2", expected: "4"}
            """)
        let store = dir.file("s.sqlite")
        let run = try cli.run(["run", suite, "--store", store, "--pricing", prices, "--quiet", "--fail-on", "never"] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        return store
    }

    @Test func theReportRendersWithItsChartsFetchesNothingAndShowsMarkupAsText() throws {
        let cli = CLI(), dir = TemporaryDirectory()
        _ = try Self.runWithMarkup(cli, dir, name: "html", extra: ["--html", dir.file("r.html")])
        let html = try String(contentsOfFile: dir.file("r.html"), encoding: .utf8)
        // Nothing in the file could fetch: no script, link, image, frame or URL.
        for pattern in ["<script", "<link", "<img", "<iframe", "src=", "url(", "http://", "https://"] {
            #expect(html.lowercased().components(separatedBy: pattern).count - 1 == 0, "\(pattern) in the report")
        }

        let (dom, log) = try Self.open(dir.file("r.html"))
        guard !dom.isEmpty else { return }
        #expect(dom.contains("<title>LLMBench report: html</title>"), "the page's own title: the answer's script never ran")
        for chart in ["id=\"cost-quality\"", "id=\"latency\"", "id=\"categories\""] { #expect(dom.contains(chart), "\(chart)") }
        #expect(dom.components(separatedBy: "<circle").count - 1 == 2, "a point per priced model")
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;/textarea&gt;&lt;b id=\"injected\"&gt;bold&lt;/b&gt;"),
                "the answer as text, escaped")
        #expect(!dom.contains("<b id=\"injected\">"), "no element was made from the answer")
        #expect(dom.lowercased().components(separatedBy: "<script").count - 1 == 0)
        #expect(!log.contains("Content Security Policy"), "nothing tried to load: \(log.suffix(1000))")
    }

    /// The check above can fail: a page that loads an image is reported by the same browser run.
    @Test func theBrowserReportsAPageThatTriesToFetch() throws {
        let dir = TemporaryDirectory()
        let page = dir.write("fetch.html", """
            <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
            <body><img src="http://127.0.0.1:9/x.png">hi</body></html>
            """)
        let (dom, log) = try Self.open(page)
        guard !dom.isEmpty else { return }
        #expect(log.contains("Content Security Policy"))
    }
}
