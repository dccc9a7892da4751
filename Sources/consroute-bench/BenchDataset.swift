import Foundation

/// One dataset of the shared benchmark format `routing-bench/1`: a folder with `meta.json` and
/// raw little-endian, row-major files without headers (docs/benchmarks.md).
struct BenchDataset {
    struct Column {
        let name: String
        let dtype: String
        let shape: [Int]
        let data: Data

        var count: Int { shape.reduce(1, *) }

        /// The column as float32 values; throws if the dtype is not `f32`.
        func floats() throws -> [Float] {
            try expect("f32")
            return data.withUnsafeBytes { raw in
                Array(raw.bindMemory(to: Float.self).prefix(count))
            }
        }

        /// The column as int32 values; throws if the dtype is not `i32`.
        func ints() throws -> [Int32] {
            try expect("i32")
            return data.withUnsafeBytes { raw in
                Array(raw.bindMemory(to: Int32.self).prefix(count))
            }
        }

        private func expect(_ wanted: String) throws {
            guard dtype == wanted else {
                throw BenchError("column \(name) has dtype \(dtype), expected \(wanted)")
            }
        }
    }

    let name: String
    let meta: [String: Any]
    private let folder: URL
    private let files: [String: (file: String, dtype: String, shape: [Int])]

    /// Opens `root/name`; reads `meta.json` only. Columns are read on demand.
    init(root: URL, name: String) throws {
        self.name = name
        folder = root.appendingPathComponent(name)
        let metaURL = folder.appendingPathComponent("meta.json")
        guard let metaData = try? Data(contentsOf: metaURL) else {
            throw BenchError(
                "cannot read \(metaURL.path): generate the data first (docs/benchmarks.md: scripts/bench.sh does)"
            )
        }
        guard let meta = try JSONSerialization.jsonObject(with: metaData) as? [String: Any],
            let list = meta["files"] as? [[String: Any]]
        else { throw BenchError("\(metaURL.path) has no `files` list") }
        self.meta = meta
        var files: [String: (String, String, [Int])] = [:]
        for entry in list {
            guard let name = entry["name"] as? String, let file = entry["file"] as? String,
                let dtype = entry["dtype"] as? String, let shape = entry["shape"] as? [Int]
            else { throw BenchError("\(metaURL.path): a `files` entry lacks name, file, dtype or shape") }
            files[name] = (file, dtype, shape)
        }
        self.files = files
    }

    /// Reads one column and checks that its size matches its shape.
    func column(_ name: String) throws -> Column {
        guard let entry = files[name] else { throw BenchError("dataset \(self.name) has no column \(name)") }
        let data = try Data(contentsOf: folder.appendingPathComponent(entry.file), options: .alwaysMapped)
        let itemSize = entry.dtype == "u8" ? 1 : 4
        let expected = entry.shape.reduce(1, *) * itemSize
        guard data.count == expected else {
            throw BenchError("\(name): \(data.count) bytes, shape \(entry.shape) needs \(expected)")
        }
        return Column(name: name, dtype: entry.dtype, shape: entry.shape, data: data)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
