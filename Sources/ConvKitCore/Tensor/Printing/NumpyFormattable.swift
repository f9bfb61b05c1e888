/// Element types whose tensors print exactly like numpy arrays of the matching dtype.
protocol NumpyFormattable {
    /// numpy's `str` of one scalar of this type: what a 0-d array prints.
    var numpyScalarText: String { get }

    /// The texts of the elements an array shows, padded to a common width the way numpy's
    /// format function for the dtype pads them.
    ///
    /// numpy sizes the columns from the shown elements only, so a summarised array passes just
    /// its corners.
    static func numpyElementTexts(_ values: [Self]) -> [String]
}
