package import ConsRouteController
package import ConsRouteModel
package import ConsRouteStore

extension TablePublisher {
    /// A publisher that writes tables to `store` and `cache` only (no tables topic, no metrics): what the tests of
    /// one fleet's controller publish through.
    package static func cacheOnly(
        store: HistoryStore,
        cache: TableCache = TableCache(),
        key: TableSigningKey = TableSigningKey()
    ) -> TablePublisher {
        TablePublisher(store: store, key: key, cache: cache, producer: nil, topic: "tables", metrics: nil)
    }
}
