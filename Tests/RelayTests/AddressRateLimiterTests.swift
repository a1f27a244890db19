import Foundation
@testable import Relay
import RelayStorage
import Testing

/// The in-memory per-address counters (sealed sends, registrations, the coarse limit).
@Suite struct AddressRateLimiterTests {
    let start = Date(timeIntervalSince1970: TimeInterval(1_800_000_000 - 1_800_000_000 % 3600))
    let a = AddressKey(high: 1, low: 2)
    let b = AddressKey(high: 1, low: 3)

    @Test func everyWindowMustHaveRoom() {
        let limiter = AddressRateLimiter(windows: [RateLimitWindow(seconds: 60, limit: 3), RateLimitWindow(seconds: 3600, limit: 4)])
        for _ in 0..<3 { #expect(limiter.admit(a, now: start)) }
        #expect(!limiter.admit(a, now: start.addingTimeInterval(59)), "minute window full")
        #expect(limiter.admit(b, now: start), "addresses are independent")
        #expect(limiter.admit(a, now: start.addingTimeInterval(60)), "next minute")
        #expect(!limiter.admit(a, now: start.addingTimeInterval(120)), "hour window full")
        #expect(!limiter.admit(a, now: start.addingTimeInterval(180)), "a refused request counts nothing, the hour stays full")
        #expect(limiter.admit(a, now: start.addingTimeInterval(3600)), "next hour")
    }

    @Test func aZeroLimitRefusesEverything() {
        let limiter = AddressRateLimiter(windows: [RateLimitWindow(seconds: 60, limit: 0)])
        #expect(!limiter.admit(a, now: start))
        #expect(AddressRateLimiter(windows: []).admit(a, now: start), "no windows, no limit")
    }

    @Test func aFullTableFailsOpenForNewAddressesOnly() {
        let limiter = AddressRateLimiter(windows: [RateLimitWindow(seconds: 60, limit: 1)], maximumAddresses: 1)
        #expect(limiter.admit(a, now: start))
        #expect(!limiter.admit(a, now: start), "a known address is still limited")
        #expect(limiter.admit(b, now: start))
        #expect(limiter.admit(b, now: start), "the table is full: a new address is not tracked (memory stays bounded)")
        #expect(limiter.admit(a, now: start.addingTimeInterval(60)), "the next window starts empty")
    }
}
