public import Foundation

// JSON bodies of the account, device and username routes. Binary fields are base64 (JSON
// `Data` default); ids are the relay's 32-character hex strings. These are unverified input
// on the relay side: it checks every field before use.

/// `POST /v1/accounts`: the request is signed by the key in `publicKey` (device `-`).
public struct RegisterRequest: Codable, Sendable {
    public var publicKey: Data
    public var username: String?
    public init(publicKey: Data, username: String? = nil) {
        self.publicKey = publicKey
        self.username = username
    }
}

public struct RegisterResponse: Codable, Sendable, Equatable {
    public var accountID: String
    public var deviceID: String
    public init(accountID: String, deviceID: String) {
        self.accountID = accountID
        self.deviceID = deviceID
    }
}

/// `POST /v1/devices`: `proof` is the new key's signature over ``RequestSigning/addDeviceProof(account:publicKey:)``.
public struct AddDeviceRequest: Codable, Sendable {
    public var publicKey: Data
    public var proof: Data
    public init(publicKey: Data, proof: Data) {
        self.publicKey = publicKey
        self.proof = proof
    }
}

public struct DeviceBody: Codable, Sendable, Equatable {
    public var deviceID: String
    public var publicKey: Data
    public init(deviceID: String, publicKey: Data) {
        self.deviceID = deviceID
        self.publicKey = publicKey
    }
}

public struct DeviceListResponse: Codable, Sendable, Equatable {
    public var accountID: String
    public var devices: [DeviceBody]
    public init(accountID: String, devices: [DeviceBody]) {
        self.accountID = accountID
        self.devices = devices
    }
}

public struct UsernameRequest: Codable, Sendable {
    public var username: String
    public init(username: String) { self.username = username }
}

public struct UsernameLookupResponse: Codable, Sendable, Equatable {
    public var accountID: String
    public init(accountID: String) { self.accountID = accountID }
}

/// `POST /v1/delivery-token`: the new token, shown once; the relay keeps only its SHA-256.
public struct DeliveryTokenResponse: Codable, Sendable {
    public var token: Data
    public init(token: Data) { self.token = token }
}

public struct BlockListResponse: Codable, Sendable, Equatable {
    public var accounts: [String]
    public init(accounts: [String]) { self.accounts = accounts }
}

/// Every error response: a stable machine-readable code and a human-readable message.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
