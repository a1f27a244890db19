public import Foundation
import MLS
import WireFormat

/// `messages.json` (FORMAT.md "Messages"): every field decodes as its RFC 9420 structure,
/// with no bytes left over, and re-encodes to exactly the bytes in the file.
///
/// The MLSMessage fields are also checked for the wire format (and, for the public messages,
/// the content type) the field's name promises. One case passes when all 17 fields pass.
public struct MessagesVectorRunner: VectorRunner {
    public static let kind = "messages"
    public init() {}

    struct Case: Decodable {
        let mls_welcome: HexBytes
        let mls_group_info: HexBytes
        let mls_key_package: HexBytes
        let ratchet_tree: HexBytes
        let group_secrets: HexBytes
        let add_proposal: HexBytes
        let update_proposal: HexBytes
        let remove_proposal: HexBytes
        let pre_shared_key_proposal: HexBytes
        let re_init_proposal: HexBytes
        let external_init_proposal: HexBytes
        let group_context_extensions_proposal: HexBytes
        let commit: HexBytes
        let public_message_application: HexBytes
        let public_message_proposal: HexBytes
        let public_message_commit: HexBytes
        let private_message: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, c) in try Self.decodeCases(Case.self, from: data).enumerated() {
            var problems: [String] = []
            func roundTrip<T: WireCodable>(_ field: String, _ bytes: HexBytes, as type: T.Type, check: (T) -> String? = { _ in nil }) {
                do {
                    let value = try T(wireBytes: bytes.bytes)
                    if value.wireBytes != bytes.bytes { problems.append("\(field): re-encoding differs") }
                    if let problem = check(value) { problems.append("\(field): \(problem)") }
                } catch {
                    problems.append("\(field): \(error)")
                }
            }
            func wireFormat(_ expected: MLSWireFormat, content: ContentType? = nil) -> (MLSMessage) -> String? {
                { message in
                    guard message.wireFormat == expected else { return "wire format \(message.wireFormat)" }
                    if let content, case .publicMessage(let m) = message.body, m.content.contentType != content {
                        return "content type \(m.content.contentType)"
                    }
                    return nil
                }
            }
            roundTrip("mls_welcome", c.mls_welcome, as: MLSMessage.self, check: wireFormat(.welcome))
            roundTrip("mls_group_info", c.mls_group_info, as: MLSMessage.self, check: wireFormat(.groupInfo))
            roundTrip("mls_key_package", c.mls_key_package, as: MLSMessage.self, check: wireFormat(.keyPackage))
            roundTrip("ratchet_tree", c.ratchet_tree, as: RatchetTreeIn.self)
            roundTrip("group_secrets", c.group_secrets, as: GroupSecrets.self)
            roundTrip("add_proposal", c.add_proposal, as: Add.self)
            roundTrip("update_proposal", c.update_proposal, as: Update.self)
            roundTrip("remove_proposal", c.remove_proposal, as: Remove.self)
            roundTrip("pre_shared_key_proposal", c.pre_shared_key_proposal, as: PreSharedKey.self)
            roundTrip("re_init_proposal", c.re_init_proposal, as: ReInit.self)
            roundTrip("external_init_proposal", c.external_init_proposal, as: ExternalInit.self)
            roundTrip("group_context_extensions_proposal", c.group_context_extensions_proposal, as: GroupContextExtensions.self)
            roundTrip("commit", c.commit, as: Commit.self)
            roundTrip("public_message_application", c.public_message_application, as: MLSMessage.self, check: wireFormat(.publicMessage, content: .application))
            roundTrip("public_message_proposal", c.public_message_proposal, as: MLSMessage.self, check: wireFormat(.publicMessage, content: .proposal))
            roundTrip("public_message_commit", c.public_message_commit, as: MLSMessage.self, check: wireFormat(.publicMessage, content: .commit))
            roundTrip("private_message", c.private_message, as: MLSMessage.self, check: wireFormat(.privateMessage))
            result.record("case \(index)", problems: problems)
        }
        return result
    }
}
