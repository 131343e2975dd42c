import Foundation
import SacreBLEU

// Corpus BLEU over a JSON file {"hyps": [...], "refs": [...]} computed ROUNDS times in process, as
// sacreBLEU's corpus_bleu is timed in Benchmarks/bleu.sh: prints the score (%.12f) and the best and
// median milliseconds.
let rounds = Int(ProcessInfo.processInfo.environment["ROUNDS"] ?? "") ?? 5
let data = FileManager.default.contents(atPath: CommandLine.arguments[1])!
let pairs = try JSONSerialization.jsonObject(with: data) as! [String: [String]]
let hypotheses = pairs["hyps"]!, references = pairs["refs"]!
let bleu = SacreBLEU()
var times: [Double] = []
var score = 0.0
for _ in 0..<rounds {
    let start = DispatchTime.now().uptimeNanoseconds
    score = bleu.corpusScore(hypotheses: hypotheses, references: references).score
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
times.sort()
print("\(score)\t\(String(format: "%.2f", times[0]))\t\(String(format: "%.2f", times[times.count / 2]))")
