import Foundation
import Testing

@testable import LetterlockBench

/// Rounds of `letterlock-bench relay`: their order, the median round, and the figures printed.
@Suite struct RelayRoundTests {
    @Test(arguments: [
        ([Double](), nil as Int?),
        ([0.5], 0),
        ([0.5, 0.4, 0.6], 0),
        ([0.6, 0.4, 0.5], 2),
        ([0.4, 0.6], 0),  // even count: the lower middle
        ([0.6, 0.4], 1),
        ([0.5, 0.5, 0.5], 1),  // ties keep their order
        ([0.3, 0.7, 0.5, 0.1], 0),
        ([0.52, 0.48, 0.61, 0.43, 0.55], 0),
    ])
    func medianIndex(_ values: [Double], _ expected: Int?) {
        #expect(RelayRound.medianIndex(of: values) == expected)
    }

    @Test func roundsAlternateWhichServerGoesFirst() {
        let both = RelayBench.Target.allCases
        #expect(both == [.relay, .echo])
        #expect((0..<4).map { RelayRound.order(ofRound: $0, targets: both) } == [[.relay, .echo], [.echo, .relay], [.relay, .echo], [.echo, .relay]])
        #expect(RelayRound.order(ofRound: 1, targets: [.relay]) == [.relay])
    }

    static func result(throughput: Double, cpuTicks: UInt64, switches: UInt64, seconds: Double = 10) -> RelayLoadResult {
        let server = ProcessWindow(
            from: ProcessCounters(cpuTicks: 0, threads: [1: .init(name: "NIO-ELT-0-#1", cpuTicks: 0, contextSwitches: 0)]),
            to: ProcessCounters(cpuTicks: cpuTicks, threads: [1: .init(name: "NIO-ELT-0-#1", cpuTicks: cpuTicks, contextSwitches: switches)]))
        let client = ProcessWindow(from: ProcessCounters(cpuTicks: 0, threads: [:]), to: ProcessCounters(cpuTicks: cpuTicks / 2, threads: [:]))
        return RelayLoadResult(
            throughput: throughput, p50: 0.010, p99: 0.050, delivered: Int(throughput * seconds), bytesPerConnection: 44 * 1024,
            server: server, client: client, problems: [])
    }

    /// Three rounds whose ratios are 0.55, 0.45 and 0.50: the median is round 3.
    static let rounds: [RelayRound] = {
        let figures: [(relay: Double, echo: Double)] = [(5_500, 10_000), (4_950, 11_000), (5_200, 10_400)]
        return figures.enumerated().map { index, pair in
            var round = RelayRound(number: index + 1, order: RelayRound.order(ofRound: index, targets: RelayBench.Target.allCases))
            round.results[.relay] = result(throughput: pair.relay, cpuTicks: UInt64(pair.relay) / 40, switches: UInt64(pair.relay) * 12)
            round.results[.echo] = result(throughput: pair.echo, cpuTicks: UInt64(pair.echo) / 100, switches: UInt64(pair.echo) * 10)
            return round
        }
    }()

    @Test func headlineFiguresComeFromTheMedianRoundOnBothSides() throws {
        let figures = RelayBench.headlineFigures(Self.rounds, shape: "1000 devices")
        let delivered = try #require(figures.first { $0.metric == "delivered messages/s (1000 devices)" })
        #expect(delivered.value == 5_200)
        #expect(delivered.ratio == 5_200.0 / 10_400)
        #expect(delivered.ratio == Self.rounds[2].deliveredRatio)
        let reference = try #require(delivered.reference)
        #expect(reference == "echo ceiling on the same stack, median round by delivered ratio (round 3 of 3, relay first): 10400 msg/s")
        let echo = try #require(figures.first { $0.metric == "echo ceiling: delivered messages/s (1000 devices)" })
        #expect(echo.value == 10_400)
        #expect(echo.reference == nil)

        // Every relay figure's ratio is its value over the echo's figure of the same round.
        for figure in figures where figure.ratio != nil {
            let echoFigure = try #require(figures.first { $0.metric == "echo ceiling: " + figure.metric })
            #expect(figure.ratio == figure.value / echoFigure.value)
        }
        let switches = try #require(figures.first { $0.metric.hasPrefix("server context switches per delivered message") })
        #expect(abs(switches.value - 1.2) < 1e-9)
        #expect(abs(try #require(switches.ratio) - 1.2) < 1e-9)
        let cpu = try #require(figures.first { $0.metric == "server CPU time per delivered message" })
        #expect(abs(cpu.value - 1e6 * (Double(5_200 / 40) / ProcessCounters.ticksPerSecond) / 52_000) < 1e-6)
    }

    @Test func everyRoundPrintsItsOwnRatioAndSaysWhichRound() throws {
        let figures = RelayBench.roundFigures(Self.rounds[1], of: 3, shape: "1000 devices")
        #expect(figures.map(\.metric) == ["round 2 of 3 (echo first): delivered messages/s (1000 devices)", "round 2 of 3 (echo first): server CPU time per delivered message"])
        #expect(figures[0].value == 4_950)
        #expect(figures[0].ratio == 4_950.0 / 11_000)
        #expect(figures[0].reference == "echo ceiling on the same stack, same round: 11000 msg/s")
    }

    @Test func oneServerAloneHasNoReferenceAndRanksByItsRate() throws {
        let rounds = [5_000.0, 6_000, 4_000].enumerated().map { index, throughput in
            var round = RelayRound(number: index + 1, order: [.relay])
            round.results[.relay] = Self.result(throughput: throughput, cpuTicks: 100, switches: 10)
            return round
        }
        #expect(RelayRound.medianIndex(of: rounds.map { $0.rank ?? 0 }) == 0)
        let figures = RelayBench.headlineFigures(rounds, shape: "s")
        #expect(figures.allSatisfy { $0.reference == nil && $0.ratio == nil && !$0.metric.hasPrefix("echo") })
        #expect(figures.first?.value == 5_000)
        let perRound = RelayBench.roundFigures(rounds[1], of: 3, shape: "s")
        #expect(perRound.first?.metric == "round 2 of 3: delivered messages/s (s)")

        var echoOnly = RelayRound(number: 1, order: [.echo])
        echoOnly.results[.echo] = Self.result(throughput: 9_000, cpuTicks: 100, switches: 10)
        #expect(RelayBench.roundFigures(echoOnly, of: 1, shape: "s").first?.metric == "echo ceiling: round 1 of 1: delivered messages/s (s)")
    }

    /// The JSON line keeps the shape scripts read: six keys, `reference` a string, numbers as numbers.
    @Test func jsonLineShape() throws {
        let figure = try #require(RelayBench.headlineFigures(Self.rounds, shape: "1000 devices").first)
        let line = BenchReporter(json: true).line(for: figure)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["bench", "metric", "value", "unit", "reference", "ratio"])
        #expect(object["bench"] as? String == "relay")
        #expect(object["reference"] is String)
        #expect(object["value"] as? Double == 5_200)
        #expect(object["ratio"] as? Double == 0.5)

        let text = BenchReporter(json: false).line(for: figure)
        #expect(text.hasPrefix("relay  delivered messages/s (1000 devices): 5200 msg/s   (0.500x echo ceiling"))
    }

    /// What the rest of the machine used: busy CPU minus the server's and the bench's, per second.
    @Test func otherCoresIsTheMachinesCPUNotSpentOnTheBench() throws {
        var result = Self.result(throughput: 1_000, cpuTicks: 400, switches: 0)  // server 4 s, client 2 s (at 100 ticks/s)
        #expect(result.otherCores == nil)
        result.windowSeconds = 10
        let tick = 1 / ProcessCounters.ticksPerSecond
        result.machineCPUSeconds = 900 * tick
        #expect(abs(try #require(result.otherCores) - 300 * tick / 10) < 1e-9)
        result.machineCPUSeconds = 500 * tick  // sampling skew: never negative
        #expect(result.otherCores == 0)
    }

    /// Echo / relay (server + clients) CPU per message, and the cores both used.
    @Test func cpuCostRatioComparesWholeCostPerMessage() throws {
        // Round 3: relay 130 server + 65 client ticks for 52,000 messages; echo 104 + 52 for 104,000.
        let round = Self.rounds[2]
        let expected = (156.0 / 104_000) / (195.0 / 52_000)
        #expect(abs(try #require(round.cpuCostRatio) - expected) < 1e-12)
        var relay = try #require(round.results[.relay])
        #expect(relay.benchCores == nil)
        relay.windowSeconds = 10
        #expect(abs(try #require(relay.benchCores) - 195 / ProcessCounters.ticksPerSecond / 10) < 1e-12)
        var alone = RelayRound(number: 1, order: [.relay])
        alone.results[.relay] = relay
        #expect(alone.cpuCostRatio == nil)
    }

    @Test func headlineNotesNameTheMedianRoundAndWarnOfDisturbedRounds() throws {
        var rounds = Self.rounds
        let quiet = RelayBench.headlineNotes(rounds, threads: true)
        #expect(quiet.first == "headline: the median round 3 of 3 (relay first) by relay / echo delivered messages/s; every round: 0.550, 0.450, 0.500")
        #expect(!quiet.contains { $0.hasPrefix("warning") })
        #expect(quiet.contains { $0.hasPrefix("relay CPU per delivered message by thread") })
        #expect(quiet.contains { $0.hasPrefix("echo CPU per delivered message by thread") })
        #expect(!RelayBench.headlineNotes(rounds, threads: false).contains { $0.contains("by thread") })

        // Round 2's echo window: 1 core of other work for 10 s.
        var echo = try #require(rounds[1].results[.echo])
        echo.windowSeconds = 10
        echo.machineCPUSeconds = try #require(echo.server.cpuSeconds) + #require(echo.client.cpuSeconds) + 10
        rounds[1].results[.echo] = echo
        let busy = RelayBench.headlineNotes(rounds, threads: false)
        #expect(busy.contains { $0.hasPrefix("warning: other processes used more than 0.2 cores during rounds 2 of 3") })
        #expect(RelayBench.headlineNotes([], threads: true).isEmpty)
    }

    @Test func threadSplitNamesEveryKindThatRan() throws {
        let text = RelayBench.threadSplit(try #require(Self.rounds[0].results[.relay]), target: .relay)
        #expect(text.hasPrefix("relay CPU per delivered message by thread: NIO event loops [1]"))
        #expect(text.contains("(100 %)"))
    }
}
