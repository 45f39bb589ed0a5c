len("one", "two")
