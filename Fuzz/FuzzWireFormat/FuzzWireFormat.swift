import WireFormat

/// libFuzzer entry point: decodes arbitrary bytes as a self-describing tree of nested MLS
/// vectors, optionals, fixed-size data and integers, then checks that re-encoding what was
/// read reproduces the input exactly (the codec is canonical: minimal headers, strict flags,
/// no trailing bytes). Any error must be a typed `WireFormatError`; a trap or a mismatch is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var reader = WireReader(bytes)
    var nodes: [FuzzNode] = []
    do {
        while !reader.isAtEnd { nodes.append(try FuzzNode(from: &reader, depth: 0)) }
        try reader.expectEnd()
    } catch {
        _ = error.description  // every failure is a typed error with a description
        return 0
    }
    var writer = WireWriter()
    for node in nodes { node.encode(to: &writer) }
    if writer.bytes != bytes { fatalError("re-encoding differs from the accepted input") }
    return 0
}

/// A small grammar over the codec: a tag byte (low 3 bits) picks what follows.
private struct FuzzNode {
    indirect enum Body {
        case u8(UInt8), u16(UInt16), u32(UInt32), u64(UInt64)
        case opaque([UInt8])
        case fixed([UInt8])
        case vector([FuzzNode])
        case optional(FuzzNode?)
    }

    let tag: UInt8
    let body: Body

    init(from reader: inout WireReader, depth: Int) throws(WireFormatError) {
        guard depth < 64 else { throw .invalidValue("nesting depth") }
        tag = try reader.readUInt8()
        switch tag & 7 {
        case 0: body = .u8(try reader.readUInt8())
        case 1: body = .u16(try reader.readUInt16())
        case 2: body = .u32(try reader.readUInt32())
        case 3: body = .u64(try reader.readUInt64())
        case 4: body = .opaque(try reader.readOpaque())
        case 5: body = .fixed(try reader.readBytes(count: Int(tag >> 3)))
        case 6:
            body = .vector(
                try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try FuzzNode(from: &r, depth: depth + 1) }
            )
        default:
            body = .optional(
                try reader.readOptional { (r: inout WireReader) throws(WireFormatError) in try FuzzNode(from: &r, depth: depth + 1) }
            )
        }
    }

    func encode(to writer: inout WireWriter) {
        writer.write(tag)
        switch body {
        case .u8(let v): writer.write(v)
        case .u16(let v): writer.write(v)
        case .u32(let v): writer.write(v)
        case .u64(let v): writer.write(v)
        case .opaque(let v): writer.writeOpaque(v)
        case .fixed(let v): writer.writeBytes(v)
        case .vector(let elements): writer.writeVector { w in for e in elements { e.encode(to: &w) } }
        case .optional(let v): writer.writeOptional(v) { w, e in e.encode(to: &w) }
        }
    }
}
