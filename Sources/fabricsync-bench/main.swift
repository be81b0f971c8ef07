print("fabricsync-bench: under construction")
