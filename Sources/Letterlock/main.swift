import Foundation
import LetterlockCommands

// The `letterlock` executable: a composition root with no logic of its own.
exit(await LetterlockCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
