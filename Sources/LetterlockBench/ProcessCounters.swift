import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One process's CPU time and context switches at one instant, process-wide and per thread, read
/// from Linux's /proc (proc(5)): `/proc/PID/stat` for the process's CPU time (which includes
/// threads that have exited), and `/proc/PID/task/TID/stat` and `.../status` for each live
/// thread's name, CPU time and context switches.
///
/// Two samples around a measurement window make a ``ProcessWindow``. Everything is nil or empty
/// where /proc is missing (not Linux) or the process has gone.
struct ProcessCounters: Sendable, Equatable {
    /// One live thread (a Linux task).
    struct Thread: Sendable, Equatable {
        /// The thread's name (`comm`: at most 15 bytes, what `pthread_setname_np` set).
        var name: String
        /// User + system time, in clock ticks (`sysconf(_SC_CLK_TCK)` per second).
        var cpuTicks: UInt64
        /// `voluntary_ctxt_switches` + `nonvoluntary_ctxt_switches`.
        var contextSwitches: UInt64
    }

    /// User + system time of the whole process in clock ticks, exited threads included.
    var cpuTicks: UInt64?
    /// Live threads by thread id.
    var threads: [Int: Thread]

    /// Reads the counters of process `pid` (`"self"` for this process).
    static func read(pid: String) -> ProcessCounters {
        let directory = "/proc/\(pid)"
        let cpuTicks = (try? String(contentsOfFile: "\(directory)/stat", encoding: .utf8)).flatMap(Self.parseStat)?.cpuTicks
        var threads: [Int: Thread] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/task")) ?? []
        for task in tasks {
            guard let id = Int(task),
                let stat = try? String(contentsOfFile: "\(directory)/task/\(task)/stat", encoding: .utf8),
                let parsed = Self.parseStat(stat),
                let status = try? String(contentsOfFile: "\(directory)/task/\(task)/status", encoding: .utf8),
                let switches = Self.parseContextSwitches(status)
            else { continue }  // the thread exited between the listing and the read
            threads[id] = Thread(name: parsed.name, cpuTicks: parsed.cpuTicks, contextSwitches: switches)
        }
        return ProcessCounters(cpuTicks: cpuTicks, threads: threads)
    }

    /// The name and `utime + stime` of a `/proc/PID/stat` or `/proc/PID/task/TID/stat` line.
    ///
    /// The second field is the name in parentheses, which may itself hold spaces and parentheses,
    /// so it runs from the first `(` to the LAST `)`; after it come state (field 3), ..., utime
    /// (field 14) and stime (field 15), in clock ticks.
    static func parseStat(_ text: String) -> (name: String, cpuTicks: UInt64)? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close else { return nil }
        let name = String(text[text.index(after: open)..<close])
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        let (sum, overflow) = user.addingReportingOverflow(system)
        return overflow ? nil : (name, sum)
    }

    /// `voluntary_ctxt_switches` + `nonvoluntary_ctxt_switches` of a `/proc/.../status` text, or
    /// nil if either line is missing or unreadable.
    static func parseContextSwitches(_ text: String) -> UInt64? {
        var voluntary: UInt64?
        var nonvoluntary: UInt64?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            switch parts[0] {
            case "voluntary_ctxt_switches": voluntary = UInt64(value)
            case "nonvoluntary_ctxt_switches": nonvoluntary = UInt64(value)
            default: continue
            }
        }
        guard let voluntary, let nonvoluntary else { return nil }
        let (sum, overflow) = voluntary.addingReportingOverflow(nonvoluntary)
        return overflow ? nil : sum
    }

    /// The whole machine's busy CPU time in clock ticks, from the `cpu` line of `/proc/stat`:
    /// user + nice + system + irq + softirq + steal (not idle or iowait; guest time is already
    /// inside user and nice).
    static func parseMachineBusyTicks(_ text: String) -> UInt64? {
        guard let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let fields = line.split(separator: " ").dropFirst().map { UInt64($0) }
        guard fields.count >= 8, !fields.prefix(8).contains(nil) else { return nil }
        let values = fields.prefix(8).map { $0 ?? 0 }
        // user, nice, system, idle, iowait, irq, softirq, steal
        var busy: UInt64 = 0
        for index in [0, 1, 2, 5, 6, 7] {
            let (sum, overflow) = busy.addingReportingOverflow(values[index])
            if overflow { return nil }
            busy = sum
        }
        return busy
    }

    /// The machine's busy CPU ticks now (see ``parseMachineBusyTicks(_:)``).
    static func machineBusyTicks() -> UInt64? {
        (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap(parseMachineBusyTicks)
    }

    /// Clock ticks per second (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
    static let ticksPerSecond: Double = {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? Double(ticks) : 100
    }()
}

/// What a process did between two ``ProcessCounters`` samples.
struct ProcessWindow: Sendable, Equatable {
    /// Process CPU seconds (user + system) in the window, exited threads included.
    var cpuSeconds: Double?
    /// Context switches of the threads alive at the end of the window (a thread born inside the
    /// window counts from its start). Threads that exited inside the window are missing: Linux
    /// keeps no per-process total of context switches for them.
    var contextSwitches: UInt64
    /// CPU seconds by thread kind, for the threads alive at the end of the window.
    var cpuSecondsByKind: [ThreadKind: Double]
    /// Threads alive at the end of the window, by kind.
    var threadCountByKind: [ThreadKind: Int]
    /// Threads alive at the start but not at the end: their CPU is in ``cpuSeconds`` but not in
    /// ``cpuSecondsByKind``, their context switches in neither.
    var exitedThreads: Int

    init(from before: ProcessCounters, to after: ProcessCounters) {
        let tick = 1 / ProcessCounters.ticksPerSecond
        if let start = before.cpuTicks, let end = after.cpuTicks, end >= start {
            cpuSeconds = Double(end - start) * tick
        } else {
            cpuSeconds = nil
        }
        var switches: UInt64 = 0
        var byKind: [ThreadKind: Double] = [:]
        var counts: [ThreadKind: Int] = [:]
        for (id, thread) in after.threads {
            // A thread id reused by a new thread would show smaller counters: count it from zero.
            let earlier = before.threads[id].flatMap { $0.cpuTicks <= thread.cpuTicks && $0.contextSwitches <= thread.contextSwitches ? $0 : nil }
            switches += thread.contextSwitches - (earlier?.contextSwitches ?? 0)
            let kind = ThreadKind(threadName: thread.name)
            byKind[kind, default: 0] += Double(thread.cpuTicks - (earlier?.cpuTicks ?? 0)) * tick
            counts[kind, default: 0] += 1
        }
        contextSwitches = switches
        cpuSecondsByKind = byKind
        threadCountByKind = counts
        exitedThreads = before.threads.keys.filter { after.threads[$0] == nil }.count
    }
}

/// What a server thread does, told from its name (Linux keeps the last 15 bytes of a long name
/// that libdispatch sets, e.g. `oot.default-qos` for `com.apple.root.default-qos`).
enum ThreadKind: String, CaseIterable, Sendable {
    /// SwiftNIO's event loops (`NIO-ELT-…`, or `NIO-SGLTN-…` for the singleton group Hummingbird uses).
    case nioEventLoop = "NIO event loops"
    /// Workers of libdispatch's global concurrent queues (`com.apple.root.<qos>-qos`): on Linux
    /// these run Swift Concurrency's default executor (tasks, actors, `async` route handlers).
    case concurrencyPool = "Swift Concurrency pool (dispatch global queues)"
    /// Workers of libdispatch's overcommitting root queues (`….overcommit`), which serve serial
    /// `DispatchQueue`s: GRDB's writer and reader queues, Foundation's internal queues.
    case dispatchQueues = "serial dispatch queues (GRDB, Foundation)"
    /// Anything else: the main thread, threads of other libraries.
    case other = "other threads (main thread included)"

    init(threadName name: String) {
        if name.hasPrefix("NIO-") {
            self = .nioEventLoop
        } else if name.hasSuffix("overcommit") {
            self = .dispatchQueues
        } else if name.hasSuffix("-qos") {
            self = .concurrencyPool
        } else {
            self = .other
        }
    }
}
