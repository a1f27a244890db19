public import FileCipher
public import Foundation
public import LetterlockFiles

/// Public links (issue 5 item 4): a file anyone holding the link can fetch and decrypt, outside
/// any conversation. The key and the manifest live only in the link's fragment
/// (``PublicLink``), which is never sent to the relay.
extension LetterlockClient {
    /// Encrypts `file` on this device, uploads it to this device's relay and returns its link.
    /// Whoever holds the link can read the file until the blob expires; share it privately.
    public func publishFile(_ file: URL, name: String? = nil, progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws -> PublicLink {
        guard let relayURL = URL(string: relay.baseURL) else { throw RelayClientError.invalidURL }
        let manifest = try await fileTransfer().send(file, name: name, progress: progress)
        return PublicLink(relay: relayURL, manifest: manifest)
    }

    /// Downloads, verifies and decrypts the file of a public link to `destination`. Only a link
    /// to this device's own relay is fetched (``FileError/otherRelay`` otherwise): a download is
    /// a signed request, which another relay would refuse (it does not know this device) and
    /// which would tell it who opens the link (client review M8). To open a link to another
    /// relay, use a device registered there.
    public func downloadPublicLink(
        _ link: PublicLink, to destination: URL, replacingExisting: Bool = false, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws {
        try await fileTransfer().receive(link, to: destination, replacingExisting: replacingExisting, progress: progress)
    }
}
