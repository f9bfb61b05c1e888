/// Reads one entry of a course-style `hparameters` dictionary (`["stride": 2, "pad": 1]`).
package func hyperparameter(_ hparameters: [String: Int], _ key: String, function: String) throws -> Int {
    guard let value = hparameters[key] else {
        let given = hparameters.keys.sorted().joined(separator: ", ")
        throw ConvKitError(function, "hparameters has no \"\(key)\" (given: [\(given)])")
    }
    return value
}
