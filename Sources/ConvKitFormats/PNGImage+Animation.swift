import ConvKitCore
import Foundation

extension PNGImage {
    /// The bytes of an animated PNG (APNG, which every current browser shows) of `frames`, each
    /// shown for `delayMilliseconds`, looping `plays` times (0: for ever). The first frame is
    /// also the still image that a reader without APNG shows. Every frame is the whole canvas.
    ///
    /// - Throws: ``ConvKitError`` when there are no frames, they differ in size or channels, or
    ///   the delay is outside 1...65535 ms.
    public static func encodeAnimation(_ frames: [PNGImage], delayMilliseconds: Int, plays: Int = 0) throws -> Data {
        let function = "PNGImage.encodeAnimation"
        guard let first = frames.first else { throw ConvKitError(function, "an animation needs at least one frame") }
        let size = { (image: PNGImage) in [image.width, image.height, image.channels] }
        if let odd = frames.firstIndex(where: { size($0) != size(first) }) {
            throw ConvKitError(
                function, "frame \(odd) is \(frames[odd].width) × \(frames[odd].height) × \(frames[odd].channels), "
                    + "frame 0 is \(first.width) × \(first.height) × \(first.channels)")
        }
        guard (1...65535).contains(delayMilliseconds), plays >= 0, plays <= Int(UInt32.max), frames.count <= Int(Int32.max) else {
            throw ConvKitError(function, "delay \(delayMilliseconds) ms must be in 1...65535 and plays \(plays) in 0...\(UInt32.max)")
        }
        // The still image's header, then the animation control chunk.
        var file = signature
        appendChunk("IHDR", first.headerChunk, to: &file)
        var control = [UInt8]()
        appendBigEndian(UInt32(frames.count), to: &control)
        appendBigEndian(UInt32(plays), to: &control)
        appendChunk("acTL", control, to: &file)
        // fcTL and fdAT chunks share one sequence, starting at 0.
        var sequence: UInt32 = 0
        for (index, frame) in frames.enumerated() {
            var frameControl = [UInt8]()
            for value in [sequence, UInt32(frame.width), UInt32(frame.height), 0, 0] { appendBigEndian(value, to: &frameControl) }
            frameControl += [UInt8(delayMilliseconds >> 8), UInt8(delayMilliseconds & 0xff), 0x03, 0xe8]  // delay / 1000 s
            frameControl += [0, 0]  // dispose: none, blend: source
            appendChunk("fcTL", frameControl, to: &file)
            sequence += 1
            let compressed = [UInt8](try Gzip.deflate(Data(frame.filteredRows()), level: 9))
            if index == 0 {
                appendChunk("IDAT", compressed, to: &file)
            } else {
                var data = [UInt8]()
                appendBigEndian(sequence, to: &data)
                appendChunk("fdAT", data + compressed, to: &file)
                sequence += 1
            }
        }
        appendChunk("IEND", [], to: &file)
        return Data(file)
    }

    /// Writes ``encodeAnimation(_:delayMilliseconds:plays:)`` to `url`, atomically.
    public static func writeAnimation(_ frames: [PNGImage], delayMilliseconds: Int, plays: Int = 0, to url: URL) throws {
        try AtomicFile.write(
            try encodeAnimation(frames, delayMilliseconds: delayMilliseconds, plays: plays), to: url,
            function: "PNGImage.writeAnimation")
    }
}
