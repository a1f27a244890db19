/// The EXIF/TIFF `Orientation` tag (0x0112): how the stored pixels must be transformed for display.
///
/// A closed set: TIFF 6.0 and EXIF 2.3 define exactly the values 1 to 8. Each case names the
/// transform that turns the stored image into the displayed one.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    /// 1: stored as displayed.
    case up = 1
    /// 2: mirrored left to right.
    case upMirrored = 2
    /// 3: rotated 180°.
    case down = 3
    /// 4: mirrored top to bottom.
    case downMirrored = 4
    /// 5: transposed (mirror across the main diagonal).
    case leftMirrored = 5
    /// 6: display needs a 90° clockwise rotation (the usual portrait phone photo).
    case right = 6
    /// 7: transversed (mirror across the anti-diagonal).
    case rightMirrored = 7
    /// 8: display needs a 90° counter-clockwise rotation.
    case left = 8

    /// Whether applying the orientation swaps width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }
}
