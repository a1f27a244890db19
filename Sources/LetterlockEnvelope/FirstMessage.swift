public import Foundation

/// The first messages of a 1:1 conversation that someone starts with an account that is not yet
/// their contact, carried inside the message request (a `contact-request` ``EnvelopeContent``).
///
/// A request is identified and readable by the relay (it is signed, not sealed: the relay must
/// know the sender to rate-limit it and to honour blocks). What it carries here is still
/// encrypted to the recipient alone:
/// - ``welcome``: an MLS `Welcome` (RFC 9420 §12.4.3.1) whose group secrets are HPKE-encrypted
///   to KeyPackages of the recipient's devices (claimed from the relay and checked against its
///   key directory by the sender);
/// - ``messages``: MLS `PrivateMessage`s of that group's first epoch (RFC 9420 §6.3), the
///   conversation's `info` message and the text the sender typed.
///
/// The recipient joins and reads them only to show the request; the conversation starts on
/// accept, and a blocked or ignored request is deleted unread by anyone else.
public struct FirstMessage: Sendable, Hashable, Codable {
    /// At most this many messages (an `info` message and the first text, with room to spare).
    public static let maximumMessages = 8
    /// Bounds each encoded MLS message (the envelope's content is at most 256 KiB of JSON).
    public static let maximumMessageBytes = 128 * 1024

    /// `MLSMessage` bytes carrying a `Welcome`.
    public var welcome: Data
    /// `MLSMessage` bytes carrying `PrivateMessage`s, in the order they were sent.
    public var messages: [Data]

    public init(welcome: Data, messages: [Data]) {
        self.welcome = welcome
        self.messages = messages
    }

    /// Checks the bounds above; the MLS layer parses and authenticates the bytes.
    public func validated() throws -> FirstMessage {
        guard !welcome.isEmpty, welcome.count <= Self.maximumMessageBytes, (1...Self.maximumMessages).contains(messages.count),
            messages.allSatisfy({ !$0.isEmpty && $0.count <= Self.maximumMessageBytes })
        else { throw LetterlockError.malformedEnvelope }
        return self
    }
}
