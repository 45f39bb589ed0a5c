first(1)
