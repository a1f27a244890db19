/// The MLS vector kinds `letterlock-conformance mls KIND FILE` knows, and their runners.
public enum MLSConformance {
    /// Every vector kind of the official MLS interop suite, in the order FORMAT.md lists them.
    public static let allKinds = [
        "tree-math", "crypto-basics", "secret-tree", "message-protection", "key-schedule", "psk_secret",
        "transcript-hashes", "welcome", "tree-operations", "tree-validation", "treekem", "messages",
        "deserialization", "passive-client",
    ]

    /// The runners implemented so far.
    public static var runners: [any VectorRunner.Type] {
        [
            DeserializationRunner.self,
            CryptoBasicsRunner.self,
            TreeMathRunner.self,
            SecretTreeRunner.self,
            KeyScheduleRunner.self,
            PSKSecretRunner.self,
            TranscriptHashesRunner.self,
            MessageProtectionRunner.self,
            MessagesVectorRunner.self,
            TreeValidationVectorRunner.self,
            TreeOperationsVectorRunner.self,
            TreeKEMVectorRunner.self,
            WelcomeVectorRunner.self,
            PassiveClientRunner.self,
        ]
    }

    /// The runner for `kind`, or nil when the kind is unknown or not implemented yet.
    public static func runner(for kind: String) -> (any VectorRunner.Type)? {
        runners.first { $0.kind == kind }
    }

    /// The kinds that have a runner.
    public static var implementedKinds: [String] { runners.map { $0.kind } }
}
