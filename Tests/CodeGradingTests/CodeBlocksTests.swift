import CodeGrading
import Testing

/// Which code of an answer is run (Docs/junit-xml.md "Which code is run").
struct CodeBlocksTests {
    @Test func takesTheBlocksTaggedWithTheLanguageOrAnAlias() {
        let answer = """
            Install it first:
            ```bash
            pip install numpy
            ```
            ```py
            import math
            ```
            Then:
            ```Python3
            def area(r): return math.pi * r * r
            ```
            ```text
            3.14
            ```
            """
        let blocks = CodeBlocks(answer: answer)
        #expect(blocks.blocks.count == 4)
        #expect(blocks.code(language: "python") == "import math\n\ndef area(r): return math.pi * r * r")
        #expect(blocks.code(language: "python", selection: .first) == "import math")
        #expect(blocks.code(language: "python", selection: .last) == "def area(r): return math.pi * r * r")
        #expect(blocks.code(language: "python", selection: .longest) == "def area(r): return math.pi * r * r")
        #expect(blocks.code(language: "shell") == "pip install numpy")
    }

    @Test func fallsBackToUntaggedBlocksThenToTheWholeAnswer() {
        let untagged = CodeBlocks(answer: "Here:\n```\nprint(1)\n```\n```rust\nfn main() {}\n```\n")
        #expect(untagged.code(language: "python") == "print(1)")
        let plain = CodeBlocks(answer: "def f():\n    return 1\n")
        #expect(!plain.fenced)
        #expect(plain.code(language: "python") == "def f():\n    return 1\n")
    }

    @Test func readsFencesAsCommonMarkDoes() {
        // Tildes; a longer closing fence; an inner shorter fence is content; indentation up to 3.
        let answer = "~~~~python\na = '```'\n```\nb = 2\n~~~~~\n   ```python\nc = 3\n   ```\n    ```python\nnot a fence\n"
        let blocks = CodeBlocks(answer: answer)
        #expect(blocks.blocks.map(\.code) == ["a = '```'\n```\nb = 2", "c = 3"])
        // A fence whose info has a backtick is not a fence; {.python} is read as python.
        #expect(CodeBlocks(answer: "``` a`b\nx\n").fenced == false)
        #expect(CodeBlocks(answer: "```{.python}\nx = 1\n```").code(language: "python") == "x = 1")
    }

    @Test func anUnclosedBlockRunsToTheEndAndCRLFIsRead() {
        let cut = CodeBlocks(answer: "```python\r\ndef f():\r\n    return 1\r\n")
        #expect(cut.code(language: "python") == "def f():\n    return 1\n")
    }

    @Test func anyLanguageTakesEveryBlock() {
        let blocks = CodeBlocks(answer: "```js\nA\n```\n```go\nB\n```")
        #expect(blocks.code(language: nil) == "A\n\nB")
        #expect(blocks.code(language: "node") == "A")
    }
}
