print("fabricsync: under construction")
