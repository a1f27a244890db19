import PerceptualHash

/// libFuzzer target: hash-list import (delimited text and ThreatExchange JSON) never crashes,
/// and whatever it imports is well formed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var options = HashBank.ImportOptions()
    options.maximumEntries = 100_000
    for continueOnBadLines in [false, true] {
        options.continueOnBadLines = continueOnBadLines
        let reports = [
            try? HashBank.importList(bytes, name: "fuzz", options: options),
            try? HashBank.importDelimited(bytes, name: "fuzz", options: options),
            try? HashBank.importThreatExchangeJSON(bytes, name: "fuzz", options: options),
        ]
        for case let report? in reports {
            for entry in report.bank.entries {
                if PDQHash(hex: entry.hash.hex) != entry.hash { fatalError("hash does not round-trip") }
                if let quality = entry.quality, !(0...100).contains(quality) { fatalError("quality out of range") }
            }
            if !continueOnBadLines, !report.rejects.isEmpty { fatalError("rejects without continueOnBadLines") }
        }
    }
    return 0
}
