push(1, 1)
