import PerceptualHash

/// Differential fuzzing of the PDQ core: arbitrary sizes (including below the 5-pixel minimum,
/// widths under 64 and sizes above 512 for the pre-resize) and arbitrary pixels, through both the
/// fast and the reference-order filter. They must agree bit for bit; any disagreement, crash or
/// out-of-bounds access (the fast path uses unsafe pointers) is a bug.
///
/// Input: byte 0–1 width (1…640), byte 2–3 height (1…640), byte 4 flags, then pixels (repeated to fill).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 6 else { return 0 }
    let width = (Int(data[0]) | Int(data[1]) << 8) % 640 + 1
    let height = (Int(data[2]) | Int(data[3]) << 8) % 640 + 1
    let flags = data[4]
    let payload = UnsafeBufferPointer(start: data + 5, count: size - 5)
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    for index in rgb.indices { rgb[index] = payload[index % payload.count] }

    let preResize = flags & 1 == 1
    let fast = PDQHasher(configuration: .init(preResizeTo512: preResize, implementation: .fast))
    let reference = PDQHasher(configuration: .init(preResizeTo512: preResize, implementation: .referenceOrder))
    do {
        let a = try fast.hashWithDihedrals(rgb: rgb, width: width, height: height)
        let b = try reference.hashWithDihedrals(rgb: rgb, width: width, height: height)
        precondition(a == b, "fast and reference-order dihedral hashes differ")
        let c = try fast.hash(rgb: rgb, width: width, height: height)
        let d = try reference.hash(rgb: rgb, width: width, height: height)
        precondition(c == d, "fast and reference-order hashes differ")
        precondition((0...100).contains(c.quality))
        // A wrong buffer size must be a typed error, never a crash.
        _ = try? fast.hash(rgb: rgb.dropLast(), width: width, height: height)
    } catch {
        preconditionFailure("valid input rejected: \(error)")
    }
    return 0
}
