public import CConsRouteRouterABI
import ConsRouteModel
import ConsRouteRouter
import Foundation

// The C ABI of libconsroute_router (Sources/CConsRouteRouterABI/include/consroute_router.h): thin @_cdecl
// wrappers over DeviceRouter, so C, Python and every other language route with the Swift router itself.

/// The handle a C caller holds: a retained `DeviceRouter`.
enum RouterHandle {
    static func wrap(_ router: DeviceRouter) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(router).toOpaque())
    }

    static func router(_ handle: OpaquePointer) -> DeviceRouter {
        Unmanaged<DeviceRouter>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }
}

/// Copies `text` into a C buffer of `capacity` bytes, truncated at a UTF-8 character boundary, NUL-terminated.
func copyCString(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, capacity: Int) {
    guard let buffer, capacity > 0 else { return }
    var bytes = Array(text.utf8)
    if bytes.count > capacity - 1 {
        var end = capacity - 1
        // Step back over continuation bytes (10xxxxxx) so that the cut never splits a character.
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        bytes.removeSubrange(end...)
    }
    bytes.withUnsafeBufferPointer { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress!, byteCount: source.count)
    }
    buffer[bytes.count] = 0
}

@_cdecl("consroute_abi_version")
public func abiVersion() -> Int32 { CONSROUTE_ABI_VERSION }

@_cdecl("consroute_router_create")
public func routerCreate(
    _ fleet: UnsafePointer<CChar>?,
    _ deviceID: UnsafePointer<CChar>?,
    _ fingerprint: UnsafePointer<consroute_fingerprint>?,
    _ publicKeys: UnsafePointer<UnsafePointer<CChar>?>?,
    _ publicKeyCount: Int,
    _ stateDirectory: UnsafePointer<CChar>?,
    _ error: UnsafeMutablePointer<CChar>?,
    _ errorCapacity: Int
) -> OpaquePointer? {
    func fail(_ message: String) -> OpaquePointer? {
        copyCString(message, to: error, capacity: errorCapacity)
        return nil
    }
    guard let fleet, let deviceID, let fingerprint else { return fail("fleet, device_id and fingerprint are required") }
    let local = fingerprint.pointee
    guard let model = local.representation_model, let reranker = local.reranker, let template = local.prompt_template
    else { return fail("every fingerprint field is required") }
    var keys: [TableVerifyingKey] = []
    for index in 0..<max(0, publicKeyCount) {
        guard let text = publicKeys?[index] else { return fail("public key \(index) is NULL") }
        do {
            keys.append(try KeyFile.verifyingKey(from: Array(String(cString: text).utf8)))
        } catch {
            return fail("public key \(index): \(error)")
        }
    }
    let configuration = RouterConfiguration(
        fleet: String(cString: fleet),
        deviceID: String(cString: deviceID),
        fingerprint: Fingerprint(
            representationModel: String(cString: model),
            representationDim: Int(local.representation_dim),
            reranker: String(cString: reranker),
            promptTemplate: String(cString: template)
        ),
        trustedKeys: keys,
        stateDirectory: stateDirectory.map { URL(fileURLWithPath: String(cString: $0), isDirectory: true) }
    )
    do {
        return RouterHandle.wrap(try DeviceRouter(configuration: configuration))
    } catch {
        return fail("\(error)")
    }
}

@_cdecl("consroute_router_free")
public func routerFree(_ router: OpaquePointer?) {
    guard let router else { return }
    Unmanaged<DeviceRouter>.fromOpaque(UnsafeRawPointer(router)).release()
}

@_cdecl("consroute_router_apply")
public func routerApply(
    _ router: OpaquePointer?,
    _ envelope: UnsafePointer<UInt8>?,
    _ length: Int,
    _ ack: UnsafeMutablePointer<consroute_ack>?
) -> Int32 {
    guard let router, let ack, envelope != nil || length == 0 else { return 0 }
    let bytes = length > 0 ? Array(UnsafeBufferPointer(start: envelope, count: length)) : []
    let acknowledgement = RouterHandle.router(router).apply(envelope: bytes)
    ack.pointee.applied = acknowledgement.applied ? 1 : 0
    ack.pointee.version = acknowledgement.version
    ack.pointee.time_unix_ms = acknowledgement.timeUnixMs
    withUnsafeMutableBytes(of: &ack.pointee.reason) { reason in
        copyCString(
            acknowledgement.reason,
            to: reason.baseAddress!.assumingMemoryBound(to: CChar.self),
            capacity: reason.count
        )
    }
    return ack.pointee.applied
}

@_cdecl("consroute_router_table_version")
public func routerTableVersion(_ router: OpaquePointer?) -> UInt64 {
    guard let router else { return 0 }
    return RouterHandle.router(router).table?.table.version ?? 0
}

@_cdecl("consroute_router_dimension")
public func routerDimension(_ router: OpaquePointer?) -> Int64 {
    guard let router else { return 0 }
    return Int64(RouterHandle.router(router).table?.table.dimension ?? 0)
}

@_cdecl("consroute_router_device_id")
public func routerDeviceID(_ router: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int {
    guard let router else { return 0 }
    let deviceID = RouterHandle.router(router).configuration.deviceID
    copyCString(deviceID, to: buffer, capacity: capacity)
    return deviceID.utf8.count
}

@_cdecl("consroute_canary_contains")
public func canaryContains(_ deviceID: UnsafePointer<CChar>?, _ salt: UnsafePointer<CChar>?, _ percent: Double) -> Int32
{
    guard let deviceID, let salt else { return 0 }
    return CanaryCohort.contains(deviceID: String(cString: deviceID), salt: String(cString: salt), percent: percent)
        ? 1 : 0
}

@_cdecl("consroute_fnv1a64")
public func fnv1a64(_ text: UnsafePointer<CChar>?) -> UInt64 {
    guard let text else { return CanaryCohort.fnv1a64("") }
    return CanaryCohort.fnv1a64(String(cString: text))
}

@_cdecl("consroute_kernel")
public func kernelName() -> UnsafePointer<CChar> {
    KernelName.names[RoutingKernel.selected.rawValue].pointer
}

/// The kernel paths' names as C strings that live as long as the process.
enum KernelName {
    struct Name: @unchecked Sendable {
        // Allocated once, never freed or written after, so sharing the pointer across threads is safe.
        let pointer: UnsafePointer<CChar>
    }

    static let names: [Name] = RoutingKernel.allCases.map { kernel in
        Name(pointer: UnsafePointer(strdup(kernel.description)!))
    }
}
