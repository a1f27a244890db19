import ArgumentParser
import LetterlockHashCommands

/// `letterlock-hash`: the composition root. The commands live in `LetterlockHashCommands`.
@main
enum LetterlockHashMain {
    static func main() {
        HashTool.main()
    }
}
