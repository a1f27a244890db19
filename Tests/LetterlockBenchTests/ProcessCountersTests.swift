import Foundation
import Testing

@testable import LetterlockBench

#if canImport(Glibc)
    import Glibc
#endif

/// The /proc readers behind `letterlock-bench relay`'s CPU, context-switch and per-thread figures.
@Suite struct ProcessCountersTests {
    @Test func statLineGivesNameAndUserPlusSystemTicks() throws {
        // Fields 3 (state) to 15 (stime): utime 120, stime 30.
        let line = "4242 (NIO-ELT-0-#1) S 1 4242 4242 0 -1 4194624 900 0 0 0 120 30 0 0 20 0 7 0 1234 0 0\n"
        let parsed = try #require(ProcessCounters.parseStat(line))
        #expect(parsed.name == "NIO-ELT-0-#1")
        #expect(parsed.cpuTicks == 150)
    }

    @Test func statNameRunsToTheLastParenthesis() throws {
        let line = "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 0 0"
        let parsed = try #require(ProcessCounters.parseStat(line))
        #expect(parsed.name == "a) b (c)")
        #expect(parsed.cpuTicks == 11)
    }

    @Test(arguments: [
        "",
        "4242 NIO S 1 2 3 4 5 6 7 8 9 10 11 12",
        "4242 (short) S 1 2 3",
        "4242 (x) S 1 4242 4242 0 -1 0 0 0 0 0 abc 30 0",
        "4242 (x) S 1 4242 4242 0 -1 0 0 0 0 0 18446744073709551615 1 0",
        ")(",
    ])
    func malformedStatLinesAreRefused(_ line: String) {
        #expect(ProcessCounters.parseStat(line) == nil)
    }

    @Test func statusGivesVoluntaryPlusNonvoluntarySwitches() {
        let status = """
            Name:\tletterlock-rela
            State:\tS (sleeping)
            Threads:\t7
            voluntary_ctxt_switches:\t1500
            nonvoluntary_ctxt_switches:\t  42
            """
        #expect(ProcessCounters.parseContextSwitches(status) == 1542)
        #expect(ProcessCounters.parseContextSwitches("voluntary_ctxt_switches:\t3\n") == nil)
        #expect(ProcessCounters.parseContextSwitches("voluntary_ctxt_switches: x\nnonvoluntary_ctxt_switches: 1\n") == nil)
    }

    @Test(arguments: [
        ("NIO-ELT-0-#1", ThreadKind.nioEventLoop),
        ("NIO-SGLTN-1-#2", .nioEventLoop),
        ("-qos.overcommit", .dispatchQueues),
        ("oot.default-qos", .concurrencyPool),
        ("initiated-qos", .concurrencyPool),
        ("letterlock-rela", .other),
        ("", .other),
    ])
    func threadNamesAreClassified(_ name: String, _ kind: ThreadKind) {
        #expect(ThreadKind(threadName: name) == kind)
    }

    @Test func windowSubtractsPerThreadAndCountsNewAndExitedThreads() {
        typealias Thread = ProcessCounters.Thread
        let before = ProcessCounters(
            cpuTicks: 1_000,
            threads: [
                1: Thread(name: "letterlock-rela", cpuTicks: 10, contextSwitches: 5),
                2: Thread(name: "NIO-ELT-0-#1", cpuTicks: 300, contextSwitches: 1_000),
                3: Thread(name: "oot.default-qos", cpuTicks: 400, contextSwitches: 2_000),
                4: Thread(name: "-qos.overcommit", cpuTicks: 50, contextSwitches: 100),  // exits
                5: Thread(name: "oot.default-qos", cpuTicks: 90, contextSwitches: 900),  // id reused below
            ])
        let after = ProcessCounters(
            cpuTicks: 1_500,
            threads: [
                1: Thread(name: "letterlock-rela", cpuTicks: 10, contextSwitches: 5),
                2: Thread(name: "NIO-ELT-0-#1", cpuTicks: 500, contextSwitches: 1_600),
                3: Thread(name: "oot.default-qos", cpuTicks: 520, contextSwitches: 2_300),
                5: Thread(name: "-qos.overcommit", cpuTicks: 20, contextSwitches: 40),  // a new thread with an old id
                6: Thread(name: "-qos.overcommit", cpuTicks: 30, contextSwitches: 60),  // born in the window
            ])
        let window = ProcessWindow(from: before, to: after)
        let tick = 1 / ProcessCounters.ticksPerSecond
        #expect(window.cpuSeconds == 500 * tick)
        #expect(window.contextSwitches == 600 + 300 + 40 + 60)
        #expect(window.cpuSecondsByKind[.nioEventLoop] == 200 * tick)
        #expect(window.cpuSecondsByKind[.concurrencyPool] == 120 * tick)
        #expect(window.cpuSecondsByKind[.dispatchQueues] == 50 * tick)
        #expect(window.cpuSecondsByKind[.other] == 0)
        #expect(window.threadCountByKind == [.other: 1, .nioEventLoop: 1, .concurrencyPool: 1, .dispatchQueues: 2])
        #expect(window.exitedThreads == 1)
    }

    @Test func procStatGivesTheMachinesBusyTicks() {
        let stat = "cpu  100 5 40 9000 30 2 3 1 7 0\ncpu0 50 2 20 4500 15 1 1 0 3 0\nintr 1 2 3\n"
        // user + nice + system + irq + softirq + steal; idle, iowait and guest (inside user) left out.
        #expect(ProcessCounters.parseMachineBusyTicks(stat) == 100 + 5 + 40 + 2 + 3 + 1)
        #expect(ProcessCounters.parseMachineBusyTicks("cpu  1 2 3\n") == nil)
        #expect(ProcessCounters.parseMachineBusyTicks("cpu0 1 2 3 4 5 6 7 8\n") == nil)
        #expect(ProcessCounters.parseMachineBusyTicks("cpu  1 2 x 4 5 6 7 8\n") == nil)
        #expect(ProcessCounters.parseMachineBusyTicks("") == nil)
    }

    @Test func windowWithoutProcessTotalsHasNoCPU() {
        let window = ProcessWindow(from: ProcessCounters(cpuTicks: nil, threads: [:]), to: ProcessCounters(cpuTicks: 5, threads: [:]))
        #expect(window.cpuSeconds == nil)
        #expect(window.contextSwitches == 0)
    }

    /// This test process, read from /proc: burning CPU and sleeping must show in the window.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/task")))
    func readsThisProcess() throws {
        let before = ProcessCounters.read(pid: "self")
        #expect(before.cpuTicks != nil)
        #expect(!before.threads.isEmpty)
        // 200 ms of this thread's CPU (not wall-clock time, which a busy machine would stretch).
        var start = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        var now = start
        var sink: UInt64 = 0
        while Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9 < 0.2 {
            for i in 0..<10_000 { sink &+= UInt64(i) &* 2_654_435_761 }
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        }
        // Each sleep blocks this thread: a voluntary context switch.
        for _ in 0..<5 { usleep(2_000) }
        let window = ProcessWindow(from: before, to: ProcessCounters.read(pid: "self"))
        #expect(sink != 1)
        #expect(try #require(window.cpuSeconds) >= 0.15)
        #expect(window.contextSwitches >= 5)
    }
}
