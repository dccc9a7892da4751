/// Why a clustering call rejected its input. Each message names the offending value and how to fix it.
public enum KMeansError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `dimension` was zero or negative.
    case invalidDimension(Int)
    /// The flat point buffer's length is not a multiple of `dimension`.
    case pointCountNotMultipleOfDimension(values: Int, dimension: Int)
    /// There were no points to cluster.
    case noPoints
    /// The requested number of clusters was zero or negative.
    case invalidClusterCount(Int)
    /// More clusters were requested than there are points.
    case moreClustersThanPoints(clusters: Int, points: Int)
    /// A coordinate was NaN or infinite.
    case nonFiniteValue(point: Int, coordinate: Int)
    /// Coordinates are finite but so large that their squares overflow `Float`/`Double` sums.
    case valuesTooLarge
    /// Warm-start centroids have the wrong length or count.
    case invalidInitialCentroids(values: Int, dimension: Int, clusters: Int)
    /// `maxIterations` was zero or negative.
    case invalidMaxIterations(Int)
    /// `tolerance` was negative or not finite.
    case invalidTolerance(Double)
    /// `radiusQuantile` was outside `(0, 1]`.
    case invalidRadiusQuantile(Double)
    /// `localTrials` was zero or negative.
    case invalidLocalTrials(Int)
    /// A mini-batch setting was out of range.
    case invalidMiniBatchSetting(name: String, value: Double)
    /// The k-selection bounds were empty or not positive.
    case invalidClusterCountRange(min: Int, max: Int)
    /// The silhouette sample size was below 2.
    case invalidSampleSize(Int)
    /// Previous cluster ids and previous centroids disagree in count.
    case invalidPreviousClusters(ids: Int, centroids: Int)
    /// A duplicate id was found among the previous clusters.
    case duplicateClusterID(UInt32)
    /// The next free id would overflow `UInt32`.
    case clusterIDSpaceExhausted

    /// A message naming the offending value and how to fix it.
    public var description: String {
        switch self {
        case .invalidDimension(let d):
            return "dimension must be at least 1, got \(d)"
        case .pointCountNotMultipleOfDimension(let values, let d):
            return "points hold \(values) floats, which is not a multiple of dimension \(d); pass n*d row-major floats"
        case .noPoints:
            return "no points to cluster: pass at least one point (n*d floats)"
        case .invalidClusterCount(let k):
            return "clusterCount must be at least 1, got \(k)"
        case .moreClustersThanPoints(let k, let n):
            return "clusterCount \(k) exceeds the number of points \(n); lower clusterCount or pass more points"
        case .nonFiniteValue(let point, let coordinate):
            return "point \(point) has a NaN or infinite value at coordinate \(coordinate); drop or repair it"
        case .valuesTooLarge:
            return "coordinates are so large that sums of squares overflow; rescale the points"
        case .invalidInitialCentroids(let values, let d, let k):
            return "initial centroids hold \(values) floats: need m*\(d) finite floats with 1 <= m <= clusterCount \(k)"
        case .invalidMaxIterations(let m):
            return "maxIterations must be at least 1, got \(m)"
        case .invalidTolerance(let t):
            return "tolerance must be finite and >= 0, got \(t)"
        case .invalidRadiusQuantile(let q):
            return "radiusQuantile must be in (0, 1], got \(q)"
        case .invalidLocalTrials(let t):
            return "localTrials must be at least 1, got \(t)"
        case .invalidMiniBatchSetting(let name, let value):
            return "mini-batch setting \(name) is out of range: \(value)"
        case .invalidClusterCountRange(let lo, let hi):
            return "cluster count range \(lo)...\(hi) is invalid: need 1 <= min <= max"
        case .invalidSampleSize(let s):
            return "silhouette sample size must be at least 2, got \(s)"
        case .invalidPreviousClusters(let ids, let centroids):
            return "previous clusters: \(ids) ids for \(centroids) centroids; pass one id per centroid"
        case .duplicateClusterID(let id):
            return "previous cluster id \(id) appears more than once"
        case .clusterIDSpaceExhausted:
            return "no unused cluster id left below UInt32.max"
        }
    }
}
