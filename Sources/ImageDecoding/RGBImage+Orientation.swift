extension RGBImage {
    /// The image as it should be displayed, given the EXIF orientation of its stored pixels.
    ///
    /// For orientations 5 to 8 width and height swap. Writing the displayed pixel at column `x`, row `y`
    /// (displayed size `W' x H'`) from stored pixel `(sx, sy)` of a `W x H` image:
    /// 2 `(W-1-x, y)`, 3 `(W-1-x, H-1-y)`, 4 `(x, H-1-y)`, 5 `(y, x)`, 6 `(y, H-1-x)`,
    /// 7 `(W-1-y, H-1-x)`, 8 `(W-1-y, x)`.
    public func applyingOrientation(_ orientation: ExifOrientation) -> RGBImage {
        if orientation == .up { return self }
        let w = width
        let h = height
        let outWidth = orientation.swapsDimensions ? h : w
        let outHeight = orientation.swapsDimensions ? w : h
        let source: (Int, Int) -> (Int, Int)
        switch orientation {
        case .up: source = { x, y in (x, y) }
        case .upMirrored: source = { x, y in (w - 1 - x, y) }
        case .down: source = { x, y in (w - 1 - x, h - 1 - y) }
        case .downMirrored: source = { x, y in (x, h - 1 - y) }
        case .leftMirrored: source = { x, y in (y, x) }
        case .right: source = { x, y in (y, h - 1 - x) }
        case .rightMirrored: source = { x, y in (w - 1 - y, h - 1 - x) }
        case .left: source = { x, y in (w - 1 - y, x) }
        }
        let output = [UInt8](unsafeUninitializedCapacity: pixels.count) { out, initialized in
            pixels.withUnsafeBufferPointer { input in
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        let (sx, sy) = source(x, y)
                        let from = 3 * (sy * w + sx)
                        let to = 3 * (y * outWidth + x)
                        out[to] = input[from]
                        out[to + 1] = input[from + 1]
                        out[to + 2] = input[from + 2]
                    }
                }
            }
            initialized = pixels.count
        }
        return RGBImage(uncheckedWidth: outWidth, height: outHeight, pixels: output)
    }
}
