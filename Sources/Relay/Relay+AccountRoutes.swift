import Crypto
import Foundation
import Hummingbird
import Logging
import Metrics
import RelayAPI
import RelayStorage

extension Relay {
    /// Accounts, devices, usernames, delivery tokens and blocks.
    func addAccountRoutes(to router: Router<RelayRequestContext>) {
        router.post("/v1/accounts") { request, context in try await self.register(request, context) }
        router.delete("/v1/account") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let owned = try await self.store.blobAndUploadIDs(of: auth.device.accountID)
            let devices = try await self.store.devices(of: auth.device.accountID).map(\.id.rawValue)
            try await self.store.deleteAccount(auth.device.accountID)
            // Counters keyed by the account or its devices go with it (review L6).
            try await self.store.deleteRateLimits(naming: [auth.device.accountID.rawValue] + devices)
            if let content = self.blobContent {
                for blob in owned.blobs { try await self.eraseBlobIfUnreferenced(blob, content: content) }
                for upload in owned.uploads { try await content.erase(upload: upload) }
            }
            self.logger.info("account deleted")
            return Response(status: .noContent)
        }
        router.put("/v1/account/username") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: self.configuration.maximumSmallBodySize)
            let body = try self.decode(UsernameRequest.self, from: auth.body)
            guard Self.isValidUsername(body.username) else { throw RelayError.invalidUsername }
            try await self.storage { try await self.store.setUsername(body.username, for: auth.device.accountID) }
            return Response(status: .noContent)
        }
        router.delete("/v1/account/username") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            try await self.storage { try await self.store.setUsername(nil, for: auth.device.accountID) }
            return Response(status: .noContent)
        }
        router.get("/v1/usernames/:username") { request, context in
            var request = request
            _ = try await self.authenticate(&request, bodyLimit: 0)
            let username = try context.parameters.require("username")
            guard Self.isValidUsername(username), let account = try await self.store.accountID(forUsername: username) else {
                throw RelayError.notFound
            }
            return try self.json(UsernameLookupResponse(accountID: account.rawValue))
        }
        router.get("/v1/devices") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            return try await self.deviceList(of: auth.device.accountID)
        }
        router.get("/v1/accounts/:accountID/devices") { request, context in
            var request = request
            _ = try await self.authenticate(&request, bodyLimit: 0)
            guard let account = AccountID(rawValue: try context.parameters.require("accountID")) else { throw RelayError.notFound }
            return try await self.deviceList(of: account)
        }
        router.post("/v1/devices") { request, _ in try await self.addDevice(request) }
        router.delete("/v1/devices/:deviceID") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            guard let id = DeviceID(rawValue: try context.parameters.require("deviceID")),
                let target = try await self.store.device(id), target.accountID == auth.device.accountID
            else { throw RelayError.notFound }
            try await self.storage { try await self.store.removeDevice(id) }
            try await self.store.deleteRateLimits(naming: [id.rawValue])
            return Response(status: .noContent)
        }
        router.post("/v1/delivery-token") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let token = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            let hash = Data(SHA256.hash(data: token))
            try await self.storage { try await self.store.setDeliveryTokenHash(hash, for: auth.device.accountID, at: self.now()) }
            return try self.json(DeliveryTokenResponse(token: token), status: .created)
        }
        router.get("/v1/blocks") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let blocked = try await self.store.blockedAccounts(by: auth.device.accountID)
            return try self.json(BlockListResponse(accounts: blocked.map(\.rawValue)))
        }
        router.put("/v1/blocks/:accountID") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            guard let blocked = AccountID(rawValue: try context.parameters.require("accountID")) else { throw RelayError.notFound }
            try await self.storage { try await self.store.block(blocked, by: auth.device.accountID, at: self.now()) }
            _ = try await self.store.removeRequests(from: blocked, to: auth.device.accountID)
            return Response(status: .noContent)
        }
        router.delete("/v1/blocks/:accountID") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            guard let blocked = AccountID(rawValue: try context.parameters.require("accountID")) else { throw RelayError.notFound }
            try await self.store.unblock(blocked, by: auth.device.accountID)
            return Response(status: .noContent)
        }
    }

    /// `POST /v1/accounts`: a new random account with its first device. The request is signed by
    /// the new device's key (device field `-`), which proves possession of it.
    private func register(_ request: Request, _ context: RelayRequestContext) async throws -> Response {
        var request = request
        let headers = try SignatureHeaders(request.headers)
        guard headers.device == RequestSigning.registeringDevice else { throw RelayError.badSignature }
        let body = try await collectBody(&request, limit: configuration.maximumSmallBodySize)
        let registration = try decode(RegisterRequest.self, from: body)
        guard DevicePublicKey.validated(registration.publicKey) != nil else { throw RelayError.weakPublicKey }
        if let username = registration.username, !Self.isValidUsername(username) { throw RelayError.invalidUsername }
        // The per-address limit comes before the signature check, and registration records no
        // nonce (review H1): the caller picks the key, so its signature always verifies and
        // its nonces would be records nobody's rate limit bounds. A replayed registration
        // is harmless: the key is unique, so it gets `device_exists`.
        try rateLimit(registrationLimiter, request, context)
        try verify(request, body: body, headers: headers, publicKey: registration.publicKey)

        var generator = SystemRandomNumberGenerator()
        let account = AccountID.random(using: &generator)
        let device = Device(id: .random(using: &generator), accountID: account, publicKey: registration.publicKey, createdAt: now())
        try await storage {
            try await store.createAccount(Account(id: account, username: registration.username, createdAt: now()), firstDevice: device)
        }
        logger.info("account registered")
        return try json(RegisterResponse(accountID: account.rawValue, deviceID: device.id.rawValue), status: .created)
    }

    /// `POST /v1/devices`: signed by an existing device; the body carries the new key and the new
    /// key's signature over the account id (proof of possession).
    private func addDevice(_ request: Request) async throws -> Response {
        var request = request
        let auth = try await authenticate(&request, bodyLimit: configuration.maximumSmallBodySize)
        let body = try decode(AddDeviceRequest.self, from: auth.body)
        let account = auth.device.accountID
        guard let key = DevicePublicKey.validated(body.publicKey) else { throw RelayError.weakPublicKey }
        guard key.isValidSignature(body.proof, for: RequestSigning.addDeviceProof(account: account.rawValue, publicKey: body.publicKey))
        else { throw RelayError.badSignature }
        var generator = SystemRandomNumberGenerator()
        let device = Device(id: .random(using: &generator), accountID: account, publicKey: body.publicKey, createdAt: now())
        try await storage { try await store.addDevice(device, limit: configuration.deviceLimit) }
        return try json(RegisterResponse(accountID: account.rawValue, deviceID: device.id.rawValue), status: .created)
    }

    private func deviceList(of account: AccountID) async throws -> Response {
        let devices = try await store.devices(of: account)
        guard !devices.isEmpty else { throw RelayError.notFound }
        return try json(
            DeviceListResponse(accountID: account.rawValue, devices: devices.map { DeviceBody(deviceID: $0.id.rawValue, publicKey: $0.publicKey) })
        )
    }

    /// Usernames are 3 to 32 characters of `a-z`, `0-9` and `_`: one spelling per name, so exact
    /// lookup needs no normalisation.
    static func isValidUsername(_ name: String) -> Bool {
        (3...32).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") }
    }
}
