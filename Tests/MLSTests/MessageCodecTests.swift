import MLS
import Testing
import WireFormat

/// Decoding rejects what RFC 9420 rejects, and accepts (and keeps) what §13 says to ignore.
@Suite struct MessageCodecTests {
    @Test func keyPackageRoundTripsInAnMLSMessage() throws {
        let keyPackage = try TestMember().keyPackage()
        let bytes = MLSMessage(.keyPackage(keyPackage)).wireBytes
        let decoded = try MLSMessage(wireBytes: bytes)
        #expect(decoded.body == .keyPackage(keyPackage))
        #expect(decoded.wireBytes == bytes)
    }

    @Test func rejectsOtherProtocolVersions() throws {
        var bytes = MLSMessage(.keyPackage(try TestMember().keyPackage())).wireBytes
        bytes[1] = 2  // version mls10 = 0x0001 -> 0x0002
        #expect(throws: WireFormatError.invalidValue("ProtocolVersion")) { try MLSMessage(wireBytes: bytes) }
    }

    @Test(arguments: [UInt16(0), 6, 0xF000, 0x0A0A])
    func rejectsUnknownWireFormats(_ wireFormat: UInt16) throws {
        var bytes = MLSMessage(.keyPackage(try TestMember().keyPackage())).wireBytes
        bytes[2] = UInt8(wireFormat >> 8)
        bytes[3] = UInt8(wireFormat & 0xFF)
        #expect(throws: WireFormatError.invalidValue("WireFormat")) { try MLSMessage(wireBytes: bytes) }
    }

    @Test func rejectsTrailingBytes() throws {
        let bytes = MLSMessage(.keyPackage(try TestMember().keyPackage())).wireBytes + [0]
        #expect(throws: WireFormatError.trailingBytes) { try MLSMessage(wireBytes: bytes) }
    }

    @Test(arguments: [UInt16(0), 8, 0x0A0A, 0xF001])
    func rejectsProposalTypesWithoutAKnownBody(_ type: UInt16) {
        let bytes: [UInt8] = [UInt8(type >> 8), UInt8(type & 0xFF), 0, 0, 0, 1]
        #expect(throws: WireFormatError.invalidValue("unsupported proposal type")) { try Proposal(wireBytes: bytes) }
    }

    /// Unknown credential types are kept opaque (review L9); validation, not decoding, rejects them.
    @Test func keepsUnknownCredentialTypesOpaque() throws {
        #expect(try Credential(wireBytes: [0x0A, 0x0A, 0x01, 0x00]) == .unknown(type: CredentialType(rawValue: 0x0A0A), data: [0]))
        #expect(throws: WireFormatError.truncated) { try Credential(wireBytes: [0x0A, 0x0A, 0x05, 0x00]) }
    }

    @Test func keepsUnknownCapabilitiesAndExtensions() throws {
        // GREASE and private-use values must be ignored, not rejected (RFC 9420 §13.4, §13.5).
        let capabilities = Capabilities(
            versions: [.mls10, ProtocolVersion(rawValue: 0x0A0A)], cipherSuites: [CipherSuite(rawValue: 0x1A1A)],
            extensions: [ExtensionType(rawValue: 0xF00D)], proposals: [ProposalType(rawValue: 0x2A2A)], credentials: [.basic, CredentialType(rawValue: 0x3A3A)])
        #expect(try Capabilities(wireBytes: capabilities.wireBytes) == capabilities)
        let extensions = GroupContextExtensions(extensions: [Extension(extensionType: ExtensionType(rawValue: 0x4A4A), extensionData: [1, 2, 3])])
        #expect(try GroupContextExtensions(wireBytes: extensions.wireBytes) == extensions)
        #expect(ExtensionType(rawValue: 0x4A4A).isGREASE)
        #expect(!ExtensionType(rawValue: 0xFAFA).isGREASE)
        #expect(!ExtensionType.ratchetTree.isGREASE)
    }

    @Test func rejectsDuplicateExtensionTypes() {
        let e = Extension(extensionType: .applicationID, extensionData: [])
        let bytes = GroupContextExtensions(extensions: [e, e]).wireBytes
        #expect(throws: WireFormatError.invalidValue("duplicate extension type")) { try GroupContextExtensions(wireBytes: bytes) }
    }

    @Test func rejectsUnsortedUnmergedLeaves() {
        let bytes = ParentNode(encryptionKey: [1], parentHash: [], unmergedLeaves: [3, 1]).wireBytes
        #expect(throws: WireFormatError.invalidValue("unmerged_leaves not strictly increasing")) { try ParentNode(wireBytes: bytes) }
    }

    @Test func ratchetTreeShapeIsChecked() throws {
        let leaf = Node.leaf(try TestMember().leafNode())
        let parent = Node.parent(ParentNode(encryptionKey: [9], parentHash: []))
        #expect(RatchetTreeIn(nodes: [leaf, nil, leaf]) != nil)
        #expect(RatchetTreeIn(nodes: []) == nil)  // empty
        #expect(RatchetTreeIn(nodes: [leaf, nil]) == nil)  // trailing blank
        #expect(RatchetTreeIn(nodes: [parent]) == nil)  // parent at a leaf position
        #expect(RatchetTreeIn(nodes: [leaf, leaf, leaf]) == nil)  // leaf at a parent position
        var writer = WireWriter()
        writer.writeVector { (w: inout WireWriter) in
            w.writeOptional(leaf) { $0.write($1) }
            w.writeOptional(nil as Node?) { $0.write($1) }
        }
        #expect(throws: WireFormatError.invalidValue("ratchet_tree shape")) { try RatchetTreeIn(wireBytes: writer.bytes) }
    }

    @Test func privateMessagePaddingMustBeZero() throws {
        let content = PrivateMessageContent(body: .application([1, 2, 3]), auth: FramedContentAuthData(signature: [7], confirmationTag: nil), paddingLength: 5)
        let plaintext = content.encoded
        #expect(try PrivateMessageContent(decoding: plaintext, contentType: .application) == content)
        var tampered = plaintext
        tampered[tampered.count - 2] = 1
        #expect(throws: WireFormatError.invalidValue("non-zero padding")) {
            try PrivateMessageContent(decoding: tampered, contentType: .application)
        }
    }

    @Test func confirmationTagOnlyForCommits() throws {
        let commit = FramedContent(groupID: [1], epoch: 2, sender: .member(leafIndex: 0), authenticatedData: [], body: .commit(Commit(proposals: [], path: nil)))
        let message = PublicMessage(content: commit, auth: FramedContentAuthData(signature: [1], confirmationTag: [2]), membershipTag: [3])
        #expect(try PublicMessage(wireBytes: message.wireBytes) == message)
        let external = FramedContent(groupID: [1], epoch: 2, sender: .external(senderIndex: 0), authenticatedData: [], body: .proposal(.remove(Remove(removed: 1))))
        let externalMessage = PublicMessage(content: external, auth: FramedContentAuthData(signature: [1], confirmationTag: nil), membershipTag: nil)
        #expect(try PublicMessage(wireBytes: externalMessage.wireBytes) == externalMessage)
    }
}

/// The basic credential's Letterlock identity encoding.
@Suite struct LetterlockIdentityTests {
    @Test func roundTripsAndHasOneEncoding() throws {
        let identity = try #require(LetterlockIdentity(accountID: Array(0..<16), deviceID: Array(16..<32)))
        let bytes = identity.wireBytes
        #expect(bytes.count == 33)
        #expect(bytes[0] == 1)
        #expect(try LetterlockIdentity(wireBytes: bytes) == identity)
        #expect(LetterlockIdentity(credential: Credential(identity)) == identity)
    }

    @Test func rejectsMalformedIdentities() throws {
        let bytes = try #require(LetterlockIdentity(accountID: Array(0..<16), deviceID: Array(16..<32))).wireBytes
        #expect(throws: WireFormatError.invalidValue("LetterlockIdentity encoding_version")) { try LetterlockIdentity(wireBytes: [2] + bytes.dropFirst()) }
        #expect(throws: WireFormatError.truncated) { try LetterlockIdentity(wireBytes: Array(bytes.dropLast())) }
        #expect(throws: WireFormatError.trailingBytes) { try LetterlockIdentity(wireBytes: bytes + [0]) }
        #expect(LetterlockIdentity(accountID: [1], deviceID: Array(0..<16)) == nil)
        #expect(LetterlockIdentity(credential: .basic(identity: Array("Alice".utf8))) == nil)
        #expect(LetterlockIdentity(credential: .x509(certificates: [])) == nil)
    }
}
