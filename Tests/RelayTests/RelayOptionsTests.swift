import Foundation
import Relay
import RelayStorage
import Testing

/// `letterlock-relay`'s settings: flags over environment over defaults, bad values refused with
/// a message naming the flag or variable (the executable then exits 64).
@Suite struct RelayOptionsTests {
    @Test func defaultsWork() throws {
        let options = try RelayOptions.parse(arguments: [], environment: [:])
        let defaults = Relay.Configuration()
        #expect(options.port == 8080 && options.adminPort == 9090 && options.host == "127.0.0.1")
        #expect(options.dataDirectory == "./letterlock-data")
        #expect(options.relay.deviceLimit == 6 && options.relay.messageRetention == 30 * 86_400)
        #expect(options.relay.maximumMailboxEntries == defaults.maximumMailboxEntries)
        #expect(options.relay.trustedProxies.isEmpty)
    }

    @Test func flagsWinOverEnvironment() throws {
        let environment = ["LETTERLOCK_PORT": "1111", "LETTERLOCK_DEVICE_LIMIT": "3", "LETTERLOCK_RETENTION_DAYS": "7"]
        let options = try RelayOptions.parse(arguments: ["--port", "0", "--device-limit=4"], environment: environment)
        #expect(options.port == 0, "the flag wins")
        #expect(options.relay.deviceLimit == 4, "--name=value works too")
        #expect(options.relay.messageRetention == 7 * 86_400, "the variable applies where no flag is given")
    }

    @Test func everySettingIsReachableByFlagAndByEnvironment() throws {
        // Each setting, given a valid non-default value both ways, changes the options.
        let samples: [String: String] = [
            "data-dir": "/tmp/relay-x", "host": "0.0.0.0", "port": "0", "admin-port": "0", "log-level": "debug",
            "trusted-proxies": "10.0.0.0/8, ::1", "device-limit": "2", "max-payload-bytes": "64KiB", "max-body-bytes": "8KiB",
            "max-recipients": "10", "address-requests-per-minute": "0", "device-requests-per-minute": "5", "registrations-per-hour": "1",
            "sealed-sends-per-minute": "2", "requests-per-hour": "3", "requests-per-day": "4", "request-bytes-per-day": "1MiB",
            "key-package-claims-per-hour": "6", "key-package-claims-per-target-per-day": "7", "retention-days": "0.5",
            "mailbox-entries": "9", "mailbox-bytes-per-account": "2MiB", "page-size": "11", "websocket-window": "12",
            "websocket-auth-timeout-seconds": "2", "timestamp-skew-seconds": "60", "public-authority": "relay.example, Relay.Example:8443",
            "key-packages-per-suite": "13",
            "blob-quota-bytes": "2GiB", "max-blob-bytes": "1MiB", "blob-retention-days": "2", "upload-lifetime-hours": "3",
            "sweep-interval-seconds": "5", "upload-window-bytes": "8MiB", "upload-waiting-parts": "0",
            "min-free-disk-bytes": "0",
        ]
        #expect(Set(samples.keys) == Set(RelayOptions.settings.map(\.flag)), "a sample for every setting")
        // Compared through their descriptions, with the one Set (whose order varies) fixed.
        let suites = Relay.Configuration().acceptedCipherSuites
        func text(_ options: RelayOptions) -> String {
            var options = options
            options.relay.acceptedCipherSuites = suites
            return String(describing: options)
        }
        let defaults = text(try RelayOptions.parse(arguments: [], environment: [:]))
        for setting in RelayOptions.settings {
            let value = try #require(samples[setting.flag])
            let byFlag = text(try RelayOptions.parse(arguments: ["--\(setting.flag)", value], environment: [:]))
            let byEnvironment = text(try RelayOptions.parse(arguments: [], environment: [setting.environment: value]))
            #expect(byFlag == byEnvironment, "--\(setting.flag) and \(setting.environment) agree")
            #expect(byFlag != defaults, "--\(setting.flag) changes something")
        }
        #expect(
            try RelayOptions.parse(arguments: ["--public-authority", samples["public-authority"]!], environment: [:]).relay.publicAuthorities
                == ["relay.example", "relay.example:8443"])
        #expect(
            try RelayOptions.parse(arguments: ["--public-authority", "https://relay.example:443/"], environment: [:]).relay.publicAuthorities
                == ["relay.example"], "a URL gives its authority, the default port left out")
        #expect(Relay.Configuration().publicAuthorities.isEmpty, "loopback only by default")
        let parsed = try RelayOptions.parse(arguments: ["--trusted-proxies", samples["trusted-proxies"]!], environment: [:])
        #expect(parsed.relay.trustedProxies.count == 2)
        #expect(try RelayOptions.parse(arguments: ["--address-requests-per-minute", "0"], environment: [:]).relay.addressRequestLimit == nil)
        let uploads = try RelayOptions.parse(arguments: ["--upload-window-bytes", "8MiB"], environment: ["LETTERLOCK_UPLOAD_WAITING_PARTS": "5"]).relay
        #expect(uploads.uploadWindow == 8 << 20 && uploads.maximumWaitingParts == 5)
        #expect(Relay.Configuration().uploadWindow == 64 << 20 && Relay.Configuration().maximumWaitingParts == 32, "the documented defaults")
        let payload = try RelayOptions.parse(arguments: ["--max-payload-bytes", "64KiB"], environment: [:]).relay
        #expect(payload.maximumPayloadSize == 65_536 && payload.maximumSendBodySize == 65_536 * 3 / 2 + 256 * 1024)
    }

    static let refused: [([String], [String: String], String)] = [
        (["--port", "http"], [:], "--port"),
        (["--port", "65536"], [:], "--port"),
        (["--port", "-1"], [:], "--port"),
        ([], ["LETTERLOCK_ADMIN_PORT": "90x"], "LETTERLOCK_ADMIN_PORT"),
        (["--device-limit", "0"], [:], "--device-limit"),
        ([], ["LETTERLOCK_RETENTION_DAYS": "-3"], "LETTERLOCK_RETENTION_DAYS"),
        (["--retention-days", "nan"], [:], "--retention-days"),
        (["--retention-days", "inf"], [:], "--retention-days"),
        (["--max-payload-bytes", "9GiB"], [:], "--max-payload-bytes"),
        (["--max-payload-bytes", "1TB"], [:], "--max-payload-bytes"),
        (["--mailbox-bytes-per-account", "99999999999999999999"], [:], "--mailbox-bytes-per-account"),
        (["--blob-quota-bytes", "9223372036854775807G"], [:], "--blob-quota-bytes"),
        (["--log-level", "loud"], [:], "--log-level"),
        (["--trusted-proxies", "10.0.0.0/33"], [:], "--trusted-proxies"),
        (["--trusted-proxies", "proxy.example"], [:], "--trusted-proxies"),
        (["--requests-per-day", "many"], [:], "--requests-per-day"),
        (["--websocket-window", "0"], [:], "--websocket-window"),
        (["--host", ""], [:], "--host"),
        (["--port"], [:], "--port needs a value"),
        (["--no-such-flag", "1"], [:], "unknown option --no-such-flag"),
        (["8080"], [:], "unexpected argument"),
        (["--port", "1", "--port", "2"], [:], "twice"),
        (["--replay-cache-capacity", "10"], [:], "unknown option --replay-cache-capacity"),
        (["--max-blob-bytes", "2GiB"], [:], "--max-blob-bytes"),
        (["--public-authority", "relay.example/path"], [:], "--public-authority"),
        (["--public-authority", " , "], [:], "--public-authority"),
        ([], ["LETTERLOCK_PUBLIC_AUTHORITY": "user@relay.example"], "LETTERLOCK_PUBLIC_AUTHORITY"),
        (["--public-authority", "ftp://relay.example"], [:], "--public-authority"),
        (["--port", "7000", "--admin-port", "7000"], [:], "--admin-port"),
        (["--upload-window-bytes", "0"], [:], "--upload-window-bytes"),
        ([], ["LETTERLOCK_UPLOAD_WINDOW_BYTES": "2048GiB"], "LETTERLOCK_UPLOAD_WINDOW_BYTES"),
        (["--upload-waiting-parts", "-1"], [:], "--upload-waiting-parts"),
        (["--min-free-disk-bytes", "-1"], [:], "--min-free-disk-bytes"),
        ([], ["LETTERLOCK_MIN_FREE_DISK_BYTES": "5%"], "LETTERLOCK_MIN_FREE_DISK_BYTES"),
        ([], ["LETTERLOCK_UPLOAD_WAITING_PARTS": "4097"], "LETTERLOCK_UPLOAD_WAITING_PARTS"),
    ]

    @Test(arguments: refused)
    func badValuesAreRefusedByName(arguments: [String], environment: [String: String], named: String) {
        do {
            _ = try RelayOptions.parse(arguments: arguments, environment: environment)
            Issue.record("accepted \(arguments) \(environment)")
        } catch {
            #expect(error.message.contains(named), "\(error.message)")
        }
    }

    /// A relay bound beyond loopback without `--public-authority` accepts signed requests only
    /// with a loopback `Host`: it starts, with a warning that names the setting.
    @Test(arguments: [
        ("0.0.0.0", nil, true), ("::", nil, true), ("192.0.2.7", nil, true), ("relay.example", nil, true),
        ("0.0.0.0", "relay.example", false), ("127.0.0.1", nil, false), ("127.1.2.3", nil, false), ("localhost", nil, false),
        ("::1", nil, false), ("[::1]", nil, false), ("::ffff:127.0.0.1", nil, true), ("[::1]evil", nil, true),
    ] as [(String, String?, Bool)])
    func aPublicBindWithoutAPublicAuthorityIsWarnedAbout(host: String, authority: String?, warned: Bool) throws {
        var arguments = ["--host", host]
        if let authority { arguments += ["--public-authority", authority] }
        let warnings = try RelayOptions.parse(arguments: arguments, environment: [:]).warnings
        #expect(warnings.isEmpty == !warned, "\(host) \(authority ?? "-"): \(warnings)")
        if warned {
            #expect(warnings.count == 1 && warnings[0].contains("--public-authority") && warnings[0].contains("LETTERLOCK_PUBLIC_AUTHORITY"))
        }
        #expect(try RelayOptions.parse(arguments: [], environment: [:]).warnings.isEmpty, "the defaults warn about nothing")
    }

    @Test func errorMessagesCarryNoControlCharacters() {
        do {
            _ = try RelayOptions.parse(arguments: ["--port", "1\u{1b}[2J" + String(repeating: "9", count: 200)], environment: [:])
            Issue.record("accepted")
        } catch {
            #expect(error.message.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7f })
            #expect(error.message.count < 200)
        }
    }

    /// The table in docs/relay.md is the generated one, so the documentation cannot drift.
    @Test func theDocumentedTableIsTheSettingsList() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/relay.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        #expect(text.contains(RelayOptions.markdownTable), "regenerate the table in docs/relay.md from RelayOptions.markdownTable")
        let readme = try String(contentsOf: docs.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(RelayOptions.markdownTable), "regenerate the relay settings table in README.md from RelayOptions.markdownTable")
    }
}
