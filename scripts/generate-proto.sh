#!/usr/bin/env bash
# Regenerates the Swift code for proto/consroute/v1/*.proto into Sources/ConsRouteModel/Wire/Generated.
# Only needed after changing a .proto file: the generated code is committed, so builds and CI need no protoc.
# Needs: protoc (Debian protobuf-compiler) and protoc-gen-swift built from swift-protobuf 1.39.0.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v protoc >/dev/null; then
  apt-get install -y -qq protobuf-compiler >/dev/null
fi
plugin="${PROTOC_GEN_SWIFT:-.build-tools/protoc-gen-swift/.build/release/protoc-gen-swift}"
if [[ ! -x "$plugin" ]]; then
  rm -rf .build-tools/protoc-gen-swift
  git clone -q --branch 1.39.0 https://github.com/apple/swift-protobuf.git .build-tools/protoc-gen-swift
  swift build -c release --package-path .build-tools/protoc-gen-swift --product protoc-gen-swift
fi
out=Sources/ConsRouteModel/Wire/Generated
rm -f "$out"/*.pb.swift
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath --swift_opt=UseAccessLevelOnImports=true \
  --swift_out="$out" -I proto proto/consroute/v1/*.proto
echo "generated: $(ls "$out")"
