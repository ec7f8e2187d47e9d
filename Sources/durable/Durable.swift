@main struct Durable { static func main() { print("in progress") } }
