public import ImageDecoding

extension PDQHasher {
    /// The PDQ hash and quality of a decoded image (spec §3 luma, then ``hash(_:)``).
    ///
    /// `RGBImage` guarantees `pixels.count == width × height × 3` when it is built; a caller that
    /// later resizes `pixels` has broken that contract, which is a programming error and traps.
    public func hash(_ image: RGBImage) -> PDQResult {
        do {
            return try hash(rgb: image.pixels, width: image.width, height: image.height)
        } catch {
            preconditionFailure("RGBImage pixel buffer no longer matches its dimensions")
        }
    }

    /// The hash, its seven dihedral variants and the quality of a decoded image (spec §12).
    public func hashWithDihedrals(_ image: RGBImage) -> PDQDihedralResult {
        do {
            return try hashWithDihedrals(rgb: image.pixels, width: image.width, height: image.height)
        } catch {
            preconditionFailure("RGBImage pixel buffer no longer matches its dimensions")
        }
    }
}

extension PDQLuma {
    /// The §3 luma of a decoded image.
    public init(_ image: RGBImage) {
        do {
            try self.init(rgb: image.pixels, width: image.width, height: image.height)
        } catch {
            preconditionFailure("RGBImage pixel buffer no longer matches its dimensions")
        }
    }
}
