// swift-tools-version:6.0
// fabricsync: no package dependencies by design (see README, "Dependencies").
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "fabricsync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fabricsync", targets: ["fabricsync"]),
        .executable(name: "fabricsync-bench", targets: ["fabricsync-bench"]),
    ],
    dependencies: [],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The C baseline the YAML benchmark measures against: libyaml's bare event loop.
        .target(name: "CYAMLBaseline", dependencies: ["CYAML"]),

        // Linked with libm: the standard library's Double rounding calls it and no Foundation import pulls it in here.
        .target(name: "FabricValue", swiftSettings: strict, linkerSettings: [.linkedLibrary("m")]),
        .target(name: "FabricYAML", dependencies: ["CYAML", "FabricValue"], swiftSettings: strict),
        .target(name: "ArgumentParsing", swiftSettings: strict),
        // epoll and eventfd for the HTTP server: Swift's Glibc module leaves them out.
        .target(name: "CEpoll"),
        .target(name: "HTTPServer", dependencies: ["CEpoll", "FabricValue"], swiftSettings: strict),
        .target(name: "WebSocket", dependencies: ["HTTPServer"], swiftSettings: strict),
        .target(name: "FabricDiff", dependencies: ["FabricValue"], swiftSettings: strict),
        .target(name: "FabricSource", dependencies: ["ChildProcess", "FabricValue", "FabricYAML", "FabricDiff"], swiftSettings: strict),
        .target(name: "KubeClient", dependencies: ["ChildProcess", "CCurl", "FabricValue", "FabricYAML"], swiftSettings: strict),
        .target(name: "KubeEmulator", dependencies: ["FabricValue", "FabricYAML", "HTTPServer"], swiftSettings: strict),

        .target(name: "ChildProcess", swiftSettings: strict),
        .target(name: "GitSource", dependencies: ["ChildProcess"], swiftSettings: strict),
        .target(name: "Notifications", dependencies: ["FabricValue", "HTTPServer", "WebSocket"], swiftSettings: strict),
        .target(
            name: "FabricController",
            dependencies: ["FabricValue", "FabricSource", "FabricDiff", "KubeClient", "Notifications", "GitSource"],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "fabricsync",
            dependencies: ["ArgumentParsing", "FabricValue", "FabricYAML", "FabricSource", "FabricDiff", "KubeEmulator", "KubeClient", "HTTPServer", "WebSocket", "Notifications", "FabricController", "GitSource"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fabricsync-bench",
            dependencies: ["CYAMLBaseline", "FabricValue", "FabricYAML", "FabricDiff", "FabricSource", "HTTPServer", "WebSocket", "KubeEmulator", "KubeClient", "ArgumentParsing", "GitSource", "FabricController", "Notifications"],
            swiftSettings: strict
        ),

        .testTarget(name: "FabricValueTests", dependencies: ["FabricValue"], swiftSettings: strict),
        .testTarget(name: "FabricYAMLTests", dependencies: ["FabricYAML", "FabricValue"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "ArgumentParsingTests", dependencies: ["ArgumentParsing"], swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "FabricValue"], swiftSettings: strict),
        .testTarget(name: "WebSocketTests", dependencies: ["WebSocket", "HTTPServer"], swiftSettings: strict),
        .testTarget(name: "FabricDiffTests", dependencies: ["FabricDiff", "FabricValue"], swiftSettings: strict),
        .testTarget(name: "FabricSourceTests", dependencies: ["FabricSource", "FabricYAML", "FabricValue", "FabricDiff"], swiftSettings: strict),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "KubeEmulator", "FabricValue", "HTTPServer"], swiftSettings: strict),
        .testTarget(name: "KubeEmulatorTests", dependencies: ["KubeEmulator", "FabricValue", "FabricYAML", "HTTPServer"], swiftSettings: strict),
        .testTarget(name: "FabricControllerTests", dependencies: ["FabricController", "FabricValue", "FabricSource", "FabricDiff", "KubeClient", "KubeEmulator", "Notifications", "GitSource"], swiftSettings: strict),
        .testTarget(name: "GitSourceTests", dependencies: ["GitSource"], swiftSettings: strict),
        .testTarget(name: "NotificationsTests", dependencies: ["Notifications", "FabricValue", "HTTPServer", "WebSocket"], swiftSettings: strict),
        .testTarget(name: "fabricsyncTests", dependencies: ["fabricsync", "FabricValue", "FabricYAML", "KubeEmulator", "KubeClient"], swiftSettings: strict),
    ]
)
