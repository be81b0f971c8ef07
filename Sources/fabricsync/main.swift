import ArgumentParsing
import Foundation

// The command-line front: it only dispatches; each command lives in its own file.
signal(SIGPIPE, SIG_IGN)

let arguments = Array(Swift.CommandLine.arguments.dropFirst())
let status = await CommandDispatcher.run(arguments, environment: ProcessInfo.processInfo.environment)
exit(status.rawValue)
